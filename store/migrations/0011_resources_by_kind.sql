-- Listing from a pagination position reads only the page, in creation order:
-- without these indexes SQLite sorts every row of the kind (or of the parent)
-- for each page. Each index ends, implicitly, in rowid.
CREATE INDEX resources_kind ON resources (kind, account, region);
CREATE INDEX resources_parent_seq ON resources (kind, account, region, parent);
