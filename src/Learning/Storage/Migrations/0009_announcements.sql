-- Announcements from admins: one text (with an optional image or document) to an audience, now or
-- at a time, each copy carrying an "I have read" button. Sent/failed figures come from each copy's
-- outbox row (outbox_key); reads are recorded once per learner.

-- audience: JSON {"kind": "all_groups" | "cohort" | "groups" | "learners", "cohort_id": …, "group_ids": […]}
-- attachment: JSON Attachment or NULL. status: draft | scheduled | sending | sent | cancelled
-- report_chat: JSON ChatAddress of the admin's private chat that shows the live delivery report.
CREATE TABLE announcements (
    id {{id}},
    created_by BIGINT NOT NULL REFERENCES learners (id),
    created_at BIGINT NOT NULL,
    text TEXT NOT NULL,
    attachment TEXT NULL,
    audience TEXT NULL,
    send_at BIGINT NULL,
    status TEXT NOT NULL,
    sent_at BIGINT NULL,
    report_chat TEXT NULL
);
CREATE INDEX ix_announcements_status ON announcements (status, send_at);

-- One copy per chat it goes to: a group chat (group_id) or a learner's private chat (learner_id).
CREATE TABLE announcement_copies (
    announcement_id BIGINT NOT NULL REFERENCES announcements (id),
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    group_id BIGINT NULL REFERENCES study_groups (id),
    learner_id BIGINT NULL REFERENCES learners (id),
    outbox_key TEXT NOT NULL,
    PRIMARY KEY (announcement_id, channel, chat_id)
);

-- "I have read": once per learner per announcement, whichever copy they pressed it on.
CREATE TABLE announcement_reads (
    announcement_id BIGINT NOT NULL REFERENCES announcements (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    read_at BIGINT NOT NULL,
    PRIMARY KEY (announcement_id, learner_id)
);
