-- The chat front end: what came in (inbox), what goes out (outbox), and what links them.

-- Every inbound update, recorded before it is acknowledged. (channel, update_id) de-duplicates
-- re-deliveries; processed rows are kept at least 24 h (Telegram re-uses ids after quiet weeks).
-- status: pending | done | failed
CREATE TABLE inbox (
    channel TEXT NOT NULL,
    update_id TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    processed_at BIGINT NULL,
    error TEXT NULL,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX ix_inbox_status ON inbox (status, received_at);

-- Every outgoing message, written in the transaction that caused it, before any HTTP call.
-- status: pending | sending | sent | failed | unreachable | unknown
CREATE TABLE outbox (
    id {{id}},
    idem_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    not_before BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT NULL,
    platform_message_id TEXT NULL,
    error TEXT NULL
);
CREATE INDEX ix_outbox_due ON outbox (status, not_before, id);
CREATE INDEX ix_outbox_chat ON outbox (channel, chat_id, status);

-- A native quiz poll sent on a channel answers the delivery it was sent for.
CREATE TABLE poll_links (
    channel TEXT NOT NULL,
    poll_id TEXT NOT NULL,
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
    PRIMARY KEY (channel, poll_id)
);

-- Where a person is in a multi-step conversation (e.g. /start: language chosen, awaiting contact).
CREATE TABLE conversation_state (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    state TEXT NOT NULL,
    language TEXT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (channel, user_id)
);

-- The browser playground's transcript: what each simulated chat shows.
CREATE TABLE playground_messages (
    id {{id}},
    chat_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    payload TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX ix_playground_messages_chat ON playground_messages (chat_id, id);
