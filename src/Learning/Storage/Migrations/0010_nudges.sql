-- A liaison's one-tap reminder to a learner who has not checked in: at most one per learner and
-- programme day (the primary key), kept so the day's summary can say who was nudged and when.
-- nudged_by is the liaison or admin who pressed; channel is where the private reminder went.
CREATE TABLE nudges (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    day BIGINT NOT NULL,
    group_id BIGINT NOT NULL REFERENCES study_groups (id),
    nudged_by BIGINT NULL REFERENCES learners (id),
    channel TEXT NOT NULL,
    nudged_at BIGINT NOT NULL,
    PRIMARY KEY (cohort_id, learner_id, day)
);
CREATE INDEX ix_nudges_group_day ON nudges (cohort_id, group_id, day);
