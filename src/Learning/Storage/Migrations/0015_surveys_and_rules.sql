-- Surveys, credit caps and the completion rule (issue 5).

-- The credit rules and completion rule of a course, as JSON (CreditRules, CompletionRule).
CREATE TABLE course_rules (
    course_id BIGINT PRIMARY KEY REFERENCES courses (id),
    credit TEXT NOT NULL,
    completion TEXT NOT NULL,
    content_hash TEXT NOT NULL
);

-- A survey of a course; its items are JSON. Retired, never deleted: responses point at it.
CREATE TABLE surveys (
    id {{id}},
    course_id BIGINT NOT NULL REFERENCES courses (id),
    code TEXT NOT NULL,
    anonymous BIGINT NOT NULL,
    definition TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    retired BIGINT NOT NULL DEFAULT 0,
    UNIQUE (course_id, code)
);

-- A survey being filled in: the item asked next and the answers so far (JSON). Deleted at
-- submission, so nothing links an anonymous survey's answers to the learner afterwards.
CREATE TABLE survey_drafts (
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    position BIGINT NOT NULL,
    answers TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (survey_id, cohort_id, learner_id)
);

-- "Learner X submitted survey Y": the primary key makes a second submission a no-op.
CREATE TABLE survey_completions (
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (survey_id, cohort_id, learner_id)
);

-- A submitted response. For an anonymous survey learner_id is NULL, the id is random (not a
-- sequence whose order would match survey_completions) and only the local date is kept.
CREATE TABLE survey_responses (
    id BIGINT PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NULL REFERENCES learners (id),
    submitted_on TEXT NOT NULL,            -- yyyy-mm-dd, cohort-local
    submitted_at BIGINT NULL               -- unix ms; named surveys only
);
CREATE INDEX ix_survey_responses_survey ON survey_responses (survey_id, cohort_id);

CREATE TABLE survey_answers (
    response_id BIGINT NOT NULL REFERENCES survey_responses (id),
    item_code TEXT NOT NULL,
    choice BIGINT NULL,                    -- 0-based option index for choice items
    text TEXT NULL,                        -- free-text items
    PRIMARY KEY (response_id, item_code)
);

-- A learner who met the course's completion rule in a cohort; the key makes the certificate
-- request happen once however many events re-check the rule.
CREATE TABLE completions (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    completed_at BIGINT NOT NULL,
    PRIMARY KEY (cohort_id, learner_id)
);

-- Daily caps sum a learner's minutes of one kind on one local date.
CREATE INDEX ix_ledger_day ON ledger (learner_id, cohort_id, local_date, kind);
