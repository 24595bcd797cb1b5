-- CloudWatch alarms keep their metric (the namespace's length in bytes, a
-- colon, the namespace, a space, the metric name) in parent, "composite"
-- for a composite alarm, so that DescribeAlarmsForMetric and the composite
-- alarms' evaluation read only their alarms through resources_parent_seq;
-- and when they are next due for evaluation in attr, where rows stored
-- before held "metric" or "composite": they are due at once, and their
-- first evaluation writes their next due time.
UPDATE resources SET
    parent = CASE
        WHEN json_extract(doc, '$.Composite') IS NOT NULL THEN 'composite'
        WHEN json_extract(doc, '$.Metric.MetricName') IS NOT NULL THEN
            length(CAST(coalesce(json_extract(doc, '$.Metric.Namespace'), '') AS BLOB)) || ':' ||
            coalesce(json_extract(doc, '$.Metric.Namespace'), '') || ' ' || json_extract(doc, '$.Metric.MetricName')
        ELSE '' END,
    attr = '0001-01-01T00:00:00.000000000Z'
WHERE kind = 'cloudwatch/alarm' AND attr IN ('metric', 'composite');
-- Alarm history items keep their alarm (its length in bytes, a colon, the
-- name, a space) followed by their time (their attr, 0015) in parent, so
-- that one alarm's history pages in time order through resources_parent_seq.
UPDATE resources SET parent = length(CAST(name AS BLOB)) || ':' || name || ' ' || attr
WHERE kind = 'cloudwatch/alarm-history' AND parent = '';
-- Each action an alarm names gets an entry (the action's length in bytes, a
-- colon, the action, a space, the alarm name), so that the alarms of an
-- action (a step scaling policy's) are read without reading every alarm.
INSERT OR IGNORE INTO resources (kind, account, region, id, doc)
SELECT 'cloudwatch/alarm-action', r.account, r.region, length(CAST(a.value AS BLOB)) || ':' || a.value || ' ' || r.id, '{}'
FROM resources r,
     (SELECT '$.Metric.AlarmActions' AS path UNION ALL SELECT '$.Metric.OKActions' UNION ALL SELECT '$.Metric.InsufficientDataActions'
      UNION ALL SELECT '$.Composite.AlarmActions' UNION ALL SELECT '$.Composite.OKActions' UNION ALL SELECT '$.Composite.InsufficientDataActions') p,
     json_each(r.doc, p.path) a
WHERE r.kind = 'cloudwatch/alarm';
-- CloudWatch metrics keep their metric (the namespace's length in bytes, a
-- colon, the namespace, a space, the metric name) in attr, so that
-- ListMetrics of one namespace and metric name reads that metric's
-- dimensions alone through resources_attr.
UPDATE resources SET attr = length(CAST(parent AS BLOB)) || ':' || parent || ' ' || name
WHERE kind = 'cloudwatch/metric' AND attr = '';
