-- Exams (issue 5): definitions imported from the course pack, attempts and their answers.
-- An attempt stores its seed and its drawn questions, so it can be reconstructed and audited;
-- its deadline is fixed when it starts, so the time limit is enforced on the server.

-- An exam of a course: pre-test, post-test, final or practice. The columns other queries need
-- are denormalised; the rest of the definition (draw rules, window, scoring) is JSON.
CREATE TABLE exams (
    id {{id}},
    course_id BIGINT NOT NULL REFERENCES courses (id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,                    -- pre | post | final | practice
    pass_mark DOUBLE PRECISION NOT NULL,   -- percent, 0–100
    attempts_allowed BIGINT NOT NULL,
    counts TEXT NOT NULL,                  -- which attempt counts: best | last | first
    definition TEXT NOT NULL,
    content_hash TEXT NOT NULL DEFAULT '',  -- tells a re-import what changed
    retired BIGINT NOT NULL DEFAULT 0,      -- 1 once the pack no longer has it; attempts still point at it
    UNIQUE (course_id, code)
);

-- One attempt of one learner at one exam within a cohort. number is 1-based per learner and exam,
-- and unique, so two concurrent starts cannot both create attempt 1.
CREATE TABLE exam_attempts (
    id {{id}},
    exam_id BIGINT NOT NULL REFERENCES exams (id),
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    number BIGINT NOT NULL,
    seed BIGINT NOT NULL,
    questions TEXT NOT NULL,               -- drawn question ids (questions.id), comma-separated, in order
    started_at BIGINT NOT NULL,            -- unix ms
    deadline BIGINT NOT NULL,              -- unix ms; answers after it are refused
    position BIGINT NOT NULL DEFAULT 0,    -- index of the question being asked
    finished_at BIGINT NULL,               -- unix ms, set when submitted or when time ran out
    score DOUBLE PRECISION NULL,           -- percent 0–100, set when finished
    passed BIGINT NULL,                    -- 1/0, set when finished
    ticked TEXT NOT NULL DEFAULT '',       -- options ticked so far on the current multiple-answer question
    chat_channel TEXT NULL,                -- the private chat the attempt runs in: where a timeout is announced
    chat_id TEXT NULL,
    language TEXT NULL,                    -- the learner's language when it started
    asked_key TEXT NULL,                   -- outbox key of the message showing the current question: ticks edit it
    UNIQUE (exam_id, cohort_id, learner_id, number)
);
CREATE INDEX ix_exam_attempts_cohort ON exam_attempts (cohort_id, exam_id, learner_id);

-- One graded answer per question of an attempt; the primary key makes a re-delivered answer a no-op.
CREATE TABLE exam_answers (
    attempt_id BIGINT NOT NULL REFERENCES exam_attempts (id),
    position BIGINT NOT NULL,
    question_id BIGINT NOT NULL REFERENCES questions (id),
    response TEXT NOT NULL,                -- Response.Encode()
    score DOUBLE PRECISION NOT NULL,       -- 0–1, partial credit allowed
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);
CREATE INDEX ix_exam_answers_question ON exam_answers (question_id);

-- The sweep that finishes attempts nobody touched before their deadline.
CREATE INDEX ix_exam_attempts_open ON exam_attempts (finished_at, deadline);

-- An exam whose window opened for a cohort has had its Start buttons queued: the sweep does it once.
CREATE TABLE exam_invitations (
    exam_id BIGINT NOT NULL REFERENCES exams (id),
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (exam_id, cohort_id)
);
