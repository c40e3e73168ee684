-- The audience of an announcement, frozen when it is sent, so the report's "read N of M" and "who
-- has not read" stay exact while the roster changes, and every figure is one set query.

-- The study groups it was addressed to (all groups, a cohort's, or the chosen ones), with or without a chat.
CREATE TABLE announcement_groups (
    announcement_id BIGINT NOT NULL REFERENCES announcements (id),
    group_id BIGINT NOT NULL REFERENCES study_groups (id),
    PRIMARY KEY (announcement_id, group_id)
);

-- The learners it was addressed to (those of its groups, or every learner), reachable or not.
CREATE TABLE announcement_learners (
    announcement_id BIGINT NOT NULL REFERENCES announcements (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    PRIMARY KEY (announcement_id, learner_id)
);

-- The admin's live report: the outbox key of the message that shows it, how many edits it has had,
-- the text it shows now (an unchanged report is not edited again) and when it was last changed.
ALTER TABLE announcements ADD COLUMN report_key TEXT NULL;
ALTER TABLE announcements ADD COLUMN report_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE announcements ADD COLUMN report_text TEXT NULL;
ALTER TABLE announcements ADD COLUMN report_at BIGINT NULL;

-- The playground shows such a report edited in place: the page asks for messages changed since it last looked.
ALTER TABLE playground_messages ADD COLUMN edited_at BIGINT NULL;

-- The time the scheduler's one-off job was set for (NULL: none). A turn cannot call the scheduler
-- inside its own transaction (SQLite has one writer), so jobs follow the rows a moment later.
ALTER TABLE announcements ADD COLUMN job_at BIGINT NULL;
