-- CloudWatch alarm history items keep their time (UTC, to the nanosecond,
-- fixed width) in attr, so that a page of DescribeAlarmHistory reads only
-- itself through resources_attr. The stored time is RFC 3339 with its
-- fraction trimmed of trailing zeros (and perhaps an offset): whole seconds
-- come from strftime, the fraction from the digits after the point.
UPDATE resources SET attr = (
    SELECT strftime('%Y-%m-%dT%H:%M:%S', ts) || '.' || substr(frac || '000000000', 1, 9) || 'Z'
    FROM (SELECT ts, CASE WHEN instr(rest, 'Z') > 0 THEN substr(rest, 1, instr(rest, 'Z') - 1)
                          WHEN instr(rest, '+') > 0 THEN substr(rest, 1, instr(rest, '+') - 1)
                          WHEN instr(rest, '-') > 0 THEN substr(rest, 1, instr(rest, '-') - 1)
                          ELSE rest END AS frac
          FROM (SELECT ts, CASE WHEN instr(substr(ts, 20), '.') = 1 THEN substr(ts, 21) ELSE '' END AS rest
                FROM (SELECT json_extract(doc, '$.Timestamp') AS ts))))
WHERE kind = 'cloudwatch/alarm-history' AND attr = '';
