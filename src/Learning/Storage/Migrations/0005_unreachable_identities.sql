-- A private chat the platform refuses (the person blocked the bot, or never started it): set when
-- a send gets a final 403, cleared when the person links their account again.
ALTER TABLE channel_identities ADD COLUMN unreachable_at BIGINT NULL;
