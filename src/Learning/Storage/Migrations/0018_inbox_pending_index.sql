-- Only pending updates are looked up by arrival; a partial index holds just those. The index on
-- (status, received_at) it replaces misled SQLite's planner: for "claim these 200 updates, if still
-- pending" it walked every pending row through that index instead of looking the 200 up by key
-- (40 ms instead of 1 ms at a day's backlog of 86,000).
DROP INDEX ix_inbox_status;
CREATE INDEX ix_inbox_pending ON inbox (received_at) WHERE status = 'pending';
