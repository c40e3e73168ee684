-- The web dashboard's sign-in: one-time links the bot sends (dashboard_links) and the sessions they
-- open (dashboard_sessions). Only SHA-256 hashes of the tokens are stored, so a copy of the database
-- signs nobody in. A link is used once (used_at); a session ends at expires_at or at sign-out (ended_at).
CREATE TABLE dashboard_links (
    token_hash TEXT NOT NULL PRIMARY KEY,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT NULL
);

CREATE TABLE dashboard_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    language TEXT NULL,
    ended_at BIGINT NULL
);
CREATE INDEX ix_dashboard_sessions_expiry ON dashboard_sessions (expires_at);
