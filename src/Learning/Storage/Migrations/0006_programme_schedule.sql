-- The rest of a cohort's day: the check-in reminder, the liaison digest and the weekly admin
-- digest. NULL keeps the defaults DailySchedule documents (cohorts imported before this version).
ALTER TABLE cohorts ADD COLUMN reminder_time TEXT NULL;
ALTER TABLE cohorts ADD COLUMN digest_time TEXT NULL;
ALTER TABLE cohorts ADD COLUMN weekly_digest_day TEXT NULL;
ALTER TABLE cohorts ADD COLUMN weekly_digest_time TEXT NULL;
