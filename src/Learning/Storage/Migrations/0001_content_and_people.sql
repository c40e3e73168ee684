-- Courses, cohorts, groups and people. {{id}} is the engine's auto-increment primary key.
-- Instants are Unix milliseconds (BIGINT); local dates are 'yyyy-MM-dd' and local times 'HH:mm' (TEXT);
-- localised texts and small lists are JSON (TEXT). Flags are 0/1 BIGINT on both engines.

CREATE TABLE courses (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NULL,
    topics TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE lessons (
    id {{id}},
    course_id BIGINT NOT NULL REFERENCES courses (id),
    day BIGINT NOT NULL,
    required BIGINT NOT NULL,
    credit_minutes BIGINT NOT NULL,
    topics TEXT NOT NULL,
    payload TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    retired BIGINT NOT NULL DEFAULT 0,
    UNIQUE (course_id, day)
);

CREATE TABLE questions (
    id {{id}},
    course_id BIGINT NOT NULL REFERENCES courses (id),
    code TEXT NOT NULL,
    topic TEXT NOT NULL,
    type TEXT NOT NULL,
    difficulty TEXT NOT NULL,
    payload TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    retired BIGINT NOT NULL DEFAULT 0,
    UNIQUE (course_id, code)
);
CREATE INDEX ix_questions_topic ON questions (course_id, topic);

CREATE TABLE cohorts (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    language TEXT NOT NULL,
    lesson_time TEXT NOT NULL,
    checkin_open TEXT NOT NULL,
    checkin_close TEXT NOT NULL,
    quiz_time TEXT NOT NULL,
    quiz_questions BIGINT NOT NULL,
    skip_weekends BIGINT NOT NULL,
    holidays TEXT NOT NULL,
    content_hash TEXT NOT NULL
);

CREATE TABLE study_groups (
    id {{id}},
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    UNIQUE (cohort_id, code)
);

CREATE TABLE learners (
    id {{id}},
    phone TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    language TEXT NULL,
    email TEXT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ix_learners_email ON learners (email);

-- role: learner | liaison | admin. Admin rights are global; a liaison runs group_id.
CREATE TABLE enrollments (
    id {{id}},
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    group_id BIGINT NULL REFERENCES study_groups (id),
    role TEXT NOT NULL,
    enrolled_at BIGINT NOT NULL,
    UNIQUE (cohort_id, learner_id)
);
CREATE INDEX ix_enrollments_group ON enrollments (group_id);
CREATE INDEX ix_enrollments_learner ON enrollments (learner_id);

-- A person's account on a channel (telegram user id, Teams object id, playground persona).
CREATE TABLE channel_identities (
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX ix_channel_identities_learner ON channel_identities (learner_id);

-- A study group's chat on a channel. active = 0 once the bot was removed or blocked there.
CREATE TABLE group_chats (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    group_id BIGINT NOT NULL REFERENCES study_groups (id),
    thread_id TEXT NULL,
    active BIGINT NOT NULL,
    bound_at BIGINT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);
CREATE INDEX ix_group_chats_group ON group_chats (group_id);

-- Who changed what: imports, refusals of commands a role may not use.
CREATE TABLE audit_log (
    id {{id}},
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
