-- The outbox row a playground message carries out. The playground's "platform" is this store, so a
-- send made again after its host died mid-send can be a no-op: the key shows each row once. NULL
-- (a persona's own words, rows from before) never conflicts.
ALTER TABLE playground_messages ADD COLUMN outbox_id BIGINT NULL;
CREATE UNIQUE INDEX ux_playground_messages_outbox ON playground_messages (outbox_id);
