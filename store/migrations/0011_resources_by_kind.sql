-- Listing a kind in creation order from a pagination position reads only the
-- page: without this index SQLite sorts every row of the kind for each page.
CREATE INDEX resources_kind ON resources (kind, account, region);
