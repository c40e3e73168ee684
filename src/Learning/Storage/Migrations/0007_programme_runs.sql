-- The daily programme's own bookkeeping.

-- Each planned moment of a cohort's programme once it ran, or was skipped because the host was
-- down past its deadline ('stale': listed in the next digest). The key makes a double fire, a
-- retry or a second scheduler instance a no-op.
-- item: lesson | checkin | quiz | reminder | close | liaison_digest | weekly_digest
-- day: the programme day; for weekly_digest the week number.
CREATE TABLE programme_runs (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    item TEXT NOT NULL,
    day BIGINT NOT NULL,
    planned_at BIGINT NOT NULL,
    ran_at BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    groups_reached BIGINT NOT NULL,
    messages BIGINT NOT NULL,
    PRIMARY KEY (cohort_id, item, day)
);
CREATE INDEX ix_programme_runs_planned ON programme_runs (cohort_id, planned_at);

-- Each learner's status for a programme day, recorded at the check-in close.
-- status: checked_in | missed
CREATE TABLE day_status (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    day BIGINT NOT NULL,
    group_id BIGINT NOT NULL REFERENCES study_groups (id),
    status TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (cohort_id, learner_id, day)
);
CREATE INDEX ix_day_status_group ON day_status (cohort_id, group_id, day);
