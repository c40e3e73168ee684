-- SQLite acknowledges inbound updates into a file of its own, the inbox log (see
-- AcademyDatabase.InboxLog), and the processor moves them from there into `inbox`. This row names the
-- log this store takes updates from and the last log sequence number moved. Unused on PostgreSQL,
-- where acknowledgements go straight into `inbox`.
CREATE TABLE inbox_transfer (
    id BIGINT PRIMARY KEY,
    log_id TEXT NOT NULL,
    seq BIGINT NOT NULL
);
