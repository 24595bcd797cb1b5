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
-- IAM group members move out of the group's document into records of their
-- own (kind iam/group-member, id "group id/user id", parent the group id),
-- inserted in join order, so that a page of GetGroup reads only itself.
INSERT OR IGNORE INTO resources (kind, account, region, id, parent, name, doc)
SELECT 'iam/group-member', g.account, g.region,
       json_extract(g.doc, '$.GroupId') || '/' || json_extract(u.doc, '$.UserId'),
       json_extract(g.doc, '$.GroupId'), u.id, json_object('UserName', json_extract(u.doc, '$.UserName'))
FROM resources g, json_each(g.doc, '$.Members') m
JOIN resources u ON u.kind = 'iam/user' AND u.account = g.account AND u.region = g.region AND u.id = lower(m.value)
WHERE g.kind = 'iam/group'
ORDER BY g.rowid, m.key;
UPDATE resources SET doc = json_remove(doc, '$.Members')
WHERE kind = 'iam/group' AND json_extract(doc, '$.Members') IS NOT NULL;
