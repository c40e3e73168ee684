-- How many times a row's send was cut off by its sender stopping (a crash, a kill) before the
-- outcome was recorded. Such a row is sent again once its lease runs out, so it may have arrived
-- twice: this count is how those possible duplicates are reported.
ALTER TABLE outbox ADD COLUMN interrupted BIGINT NOT NULL DEFAULT 0;
