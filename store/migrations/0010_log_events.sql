-- CloudWatch Logs events: many small rows, read in order per stream.
CREATE TABLE log_events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    account   TEXT NOT NULL,
    region    TEXT NOT NULL,
    grp       TEXT NOT NULL,
    stream    TEXT NOT NULL,
    ts        INTEGER NOT NULL,
    ingested  INTEGER NOT NULL,
    message   TEXT NOT NULL
);
CREATE INDEX log_events_stream ON log_events (account, region, grp, stream, seq);
CREATE INDEX log_events_group ON log_events (account, region, grp, ts);
