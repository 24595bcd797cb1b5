-- Every resource is one row: its wire document (JSON) plus the columns that
-- lookups filter on. rowid orders rows by creation and backs pagination tokens.
CREATE TABLE resources (
    kind    TEXT NOT NULL,
    account TEXT NOT NULL,
    region  TEXT NOT NULL,
    id      TEXT NOT NULL,
    parent  TEXT NOT NULL DEFAULT '',
    name    TEXT NOT NULL DEFAULT '',
    status  TEXT NOT NULL DEFAULT '',
    attr    TEXT NOT NULL DEFAULT '',
    doc     BLOB NOT NULL,
    PRIMARY KEY (kind, account, region, id)
);
CREATE INDEX resources_parent ON resources (kind, account, region, parent, status);
CREATE INDEX resources_name ON resources (kind, account, region, name);
CREATE INDEX resources_attr ON resources (kind, account, region, attr);
