-- The per-learner record. Uniqueness is what makes "counted once" hold under re-delivery and
-- concurrent writers: never a check-then-insert.

-- Something delivered to a group chat or a learner: a lesson, a check-in prompt, a quiz question.
-- idem_key names it (e.g. 'c3/d5/question/g12/q207'), so a second delivery attempt finds the first.
CREATE TABLE deliveries (
    id {{id}},
    idem_key TEXT NOT NULL UNIQUE,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    group_id BIGINT NULL REFERENCES study_groups (id),
    learner_id BIGINT NULL REFERENCES learners (id),
    day BIGINT NOT NULL,
    kind TEXT NOT NULL,
    lesson_id BIGINT NULL REFERENCES lessons (id),
    question_id BIGINT NULL REFERENCES questions (id),
    delivered_at BIGINT NOT NULL
);
CREATE INDEX ix_deliveries_group_day ON deliveries (cohort_id, group_id, day);

-- One answer per learner per question delivery.
CREATE TABLE answers (
    id {{id}},
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    question_id BIGINT NOT NULL REFERENCES questions (id),
    response TEXT NOT NULL,
    correct BIGINT NOT NULL,
    answered_at BIGINT NOT NULL,
    UNIQUE (delivery_id, learner_id)
);
CREATE INDEX ix_answers_learner ON answers (learner_id, cohort_id);

-- One check-in per learner per programme day.
CREATE TABLE checkins (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    day BIGINT NOT NULL,
    local_date TEXT NOT NULL,
    checked_in_at BIGINT NOT NULL,
    PRIMARY KEY (cohort_id, learner_id, day)
);

-- A learner marked a lesson as studied.
CREATE TABLE lesson_reads (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    lesson_id BIGINT NOT NULL REFERENCES lessons (id),
    read_at BIGINT NOT NULL,
    PRIMARY KEY (cohort_id, learner_id, lesson_id)
);

-- Points and credit minutes. source_key names what earned them ('answer/991', 'checkin/3/5'),
-- so an award is made once however often its cause is replayed.
CREATE TABLE ledger (
    id {{id}},
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    source_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    points BIGINT NOT NULL,
    credit_minutes BIGINT NOT NULL,
    local_date TEXT NOT NULL,
    at BIGINT NOT NULL,
    UNIQUE (learner_id, source_key)
);
CREATE INDEX ix_ledger_cohort ON ledger (cohort_id, learner_id);
