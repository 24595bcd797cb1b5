-- The indexes on parent, name and attr hold only the rows that have a value
-- there: a filter on an empty value filters nothing, so their entries for
-- empty values were never read, yet each was one page more for every commit
-- that added or moved such a row (a task definition has no parent; tags
-- have none of the three). Collection's filters repeat the condition
-- (parent != '' beside parent = ?), which tells the planner that the index
-- holds every row the query can match.
DROP INDEX resources_parent;
DROP INDEX resources_parent_seq;
DROP INDEX resources_name;
DROP INDEX resources_attr;
CREATE INDEX resources_parent ON resources (kind, account, region, parent, status) WHERE parent != '';
CREATE INDEX resources_parent_seq ON resources (kind, account, region, parent) WHERE parent != '';
CREATE INDEX resources_name ON resources (kind, account, region, name) WHERE name != '';
CREATE INDEX resources_attr ON resources (kind, account, region, attr) WHERE attr != '';
