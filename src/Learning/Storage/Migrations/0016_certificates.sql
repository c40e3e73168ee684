-- Certificates (issue 5): one per learner and cohort, issued when the completion rule is first met.
-- What was printed is kept as printed (name, course title, dates, credit minutes), so the public
-- verification page shows the certificate's facts even after a roster or course edit.
-- code is random (never derived from ids) and is what the QR code and /verify/{code} carry.
CREATE TABLE certificates (
    id {{id}},
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    code TEXT NOT NULL UNIQUE,
    issued_at BIGINT NOT NULL,             -- unix ms
    name TEXT NOT NULL,                    -- the learner's name as printed
    course_title TEXT NOT NULL,            -- LocalizedText JSON, so each reader sees their language
    start_date TEXT NOT NULL,              -- yyyy-MM-dd, the cohort's first day
    finish_date TEXT NOT NULL,             -- yyyy-MM-dd, the local date of completion
    credit_minutes BIGINT NOT NULL,
    language TEXT NOT NULL,                -- the learner's language when issued: the printed course title
    revoked_at BIGINT NULL,
    UNIQUE (cohort_id, learner_id)
);
CREATE INDEX ix_certificates_learner ON certificates (learner_id);
