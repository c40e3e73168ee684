-- Bot Framework conversation references: where to POST to reach a chat (the connector's service
-- URL and conversation id), kept from the last signed Activity of that chat so the programme can
-- push into it later. chat_id is Academy's address: the person's id for a private chat, the
-- conversation id without its thread for a group chat or a Teams channel.
CREATE TABLE botframework_conversations (
    chat_id TEXT NOT NULL PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    service_url TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    bot_id TEXT NOT NULL,
    tenant_id TEXT NULL,
    is_group INTEGER NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Teams people are matched to the roster by e-mail (their UPN), case-insensitively.
CREATE INDEX ix_learners_email_lower ON learners (LOWER(email));
