-- IAM instance profiles keep their role (its lower-cased name; a profile
-- holds at most one) in parent, so that a role's profiles are found through
-- resources_parent_seq without reading every profile.
UPDATE resources SET parent = lower(json_extract(doc, '$.RoleNames[0]'))
WHERE kind = 'iam/instance-profile' AND parent = '' AND json_extract(doc, '$.RoleNames[0]') IS NOT NULL;
-- IAM customer managed policies keep how they are attached (policy,
-- boundary or both) in parent, so that a page of ListPolicies with
-- OnlyAttached reads only attached policies.
UPDATE resources SET parent = CASE
    WHEN EXISTS (SELECT 1 FROM resources a WHERE a.kind = 'iam/attachment' AND a.account = resources.account AND a.region = resources.region
                 AND a.parent = json_extract(resources.doc, '$.Arn') AND a.status = 'policy')
    THEN CASE WHEN EXISTS (SELECT 1 FROM resources a WHERE a.kind = 'iam/attachment' AND a.account = resources.account AND a.region = resources.region
                           AND a.parent = json_extract(resources.doc, '$.Arn') AND a.status = 'boundary')
              THEN 'both' ELSE 'policy' END
    WHEN EXISTS (SELECT 1 FROM resources a WHERE a.kind = 'iam/attachment' AND a.account = resources.account AND a.region = resources.region
                 AND a.parent = json_extract(resources.doc, '$.Arn') AND a.status = 'boundary')
    THEN 'boundary'
    ELSE '' END
WHERE kind = 'iam/policy' AND parent = '';
