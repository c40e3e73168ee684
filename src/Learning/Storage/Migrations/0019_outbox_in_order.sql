-- Whether a message takes its turn in its chat's order (1), or is the answer to one button press
-- (0: Telegram's answerCallbackQuery), which the platform shows to the presser alone, does not limit,
-- and which is useless after a few seconds: it must not wait behind the group's lessons and quiz.
ALTER TABLE outbox ADD COLUMN in_order BIGINT NOT NULL DEFAULT 1;
