-- CloudWatch alarms keep their type (M for a metric alarm, C for a
-- composite one), their state and their name in name, each followed by a
-- space but the last, so that DescribeAlarms of one state pages the alarms
-- in that state through resources_name; the state is no longer kept in
-- status. Rows stored before held the alarm's name in name and its state
-- in status.
UPDATE resources SET
    name = CASE WHEN json_extract(doc, '$.Composite') IS NOT NULL THEN 'C ' ELSE 'M ' END ||
           coalesce(json_extract(doc, '$.Metric.StateValue'), json_extract(doc, '$.Composite.StateValue'), status) || ' ' || id,
    status = ''
WHERE kind = 'cloudwatch/alarm' AND name = id;
-- CloudWatch alarm history items keep their type and their time (their
-- attr, 0015) in name, so that DescribeAlarmHistory of one type pages in
-- time order through resources_name. Rows stored before held their alarm's
-- name in name.
UPDATE resources SET name = coalesce(json_extract(doc, '$.HistoryItemType'), status) || ' ' || attr
WHERE kind = 'cloudwatch/alarm-history' AND attr != '' AND name != coalesce(json_extract(doc, '$.HistoryItemType'), status) || ' ' || attr;
