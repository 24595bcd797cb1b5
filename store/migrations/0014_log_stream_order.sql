-- CloudWatch Logs streams keep their order by last event time (the group, a
-- space, the time in twenty digits, a colon, the stream name) in attr, so
-- that a page of DescribeLogStreams ordered by LastEventTime reads only
-- itself through resources_attr. Name order is id order and needs nothing.
UPDATE resources SET attr = parent || ' ' || printf('%020d', coalesce(json_extract(doc, '$.LastEventTimestamp'), 0)) || ':' || name
WHERE kind = 'logs/stream' AND attr = '';
