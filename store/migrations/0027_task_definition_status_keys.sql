-- Task definitions keep their status before their family and revision in
-- attr, so that resources_attr orders each status's revisions by family and
-- revision: a page of ListTaskDefinitions of any status, a family's latest
-- ACTIVE revision and whether a family has a revision of a status each read
-- only that status's entries. No status holds a space.
UPDATE resources SET attr = status || ' ' || attr
WHERE kind = 'ecs/task-definition' AND attr != '';
