-- SSM parameters keep their type, a space and their name in attr, so that a
-- page of DescribeParameters filtered on Type reads only that type's
-- parameters, in name order, through resources_attr. Their name was also in
-- name, where nothing looked it up (the id is the name): it leaves, and a
-- parameter's write keeps its count of index entries.
UPDATE resources SET attr = status || ' ' || id, name = ''
WHERE kind = 'ssm/parameter' AND attr = '';
-- EC2 instances that are not terminated keep their root volume's id in name,
-- so that DescribeVolumes of named volumes finds each one's instance through
-- resources_name instead of reading every instance.
UPDATE resources SET name = coalesce((
    SELECT json_extract(b.value, '$.Ebs.VolumeId') FROM json_each(resources.doc, '$.BlockDeviceMappings') AS b
    WHERE json_extract(b.value, '$.Ebs.VolumeId') IS NOT NULL LIMIT 1), '')
WHERE kind = 'ec2/instance' AND name = '' AND status != 'terminated';
