-- An exam's own credit_minutes now wins over the pack's credit.exam rule, so "not given" and "0" differ
-- and a definition leaves it out when the pack does. Until now both were stored as 0 and behaved the
-- same (the rule, when there was one, replaced it), so a stored 0 becomes "not given": every exam
-- keeps earning what it earned before (the sample's pre-test its 30 minutes from the rule).
UPDATE exams SET definition = REPLACE(REPLACE(definition, '"credit_minutes":0,', ''), ',"credit_minutes":0}', '}')
WHERE definition LIKE '%"credit_minutes":0,%' OR definition LIKE '%,"credit_minutes":0}';
