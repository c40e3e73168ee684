-- A multiple-answer question answered with buttons: the options a learner has ticked so far,
-- until they press Submit (which records the answer once, like any other).
CREATE TABLE quiz_drafts (
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    options TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (delivery_id, learner_id)
);
