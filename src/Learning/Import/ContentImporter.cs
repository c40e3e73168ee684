using Academy.Learning.Model;
using Academy.Learning.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

/// <summary>
/// Imports course packs, cohort definitions and rosters. All files are checked first and every
/// error is reported; only when there is none is everything written, in one transaction.
/// Re-importing updates what changed and keeps every learner's record.
/// </summary>
public sealed partial class ContentImporter(AcademyDatabase database, TimeProvider time)
{
    /// <summary>
    /// The largest file taken: a roster of the biggest cohort (135,000 learners) is about 15 MB. Anything
    /// larger is refused by its size before it is read, so a wrong file cannot exhaust memory.
    /// </summary>
    public const long MaxFileBytes = 20L * 1024 * 1024;

    /// <summary>
    /// What a file yielded. A file with errors still names its codes (<see cref="Code"/>,
    /// <see cref="CourseRef"/>) so the references of the other files are checked too, without a
    /// cascade of "unknown cohort" errors for a cohort whose own file is broken.
    /// </summary>
    /// <param name="Groups">A cohort's group codes, when its groups read without error even if the rest of the file has errors.</param>
    private sealed record Parsed(string File, Course? Course, Cohort? Cohort, RosterFile? Roster,
        string Kind, string? Code = null, string? CourseRef = null, IReadOnlyList<string>? Groups = null);

    /// <summary>Reads the files from disk and imports them.</summary>
    public async Task<ImportReport> ImportFilesAsync(IReadOnlyList<string> paths, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<(string Name, byte[]? Bytes)>();
        var tooLarge = new List<ImportError>();
        foreach (var path in paths)
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxFileBytes) tooLarge.Add(TooLarge(path, info.Length));
            else files.Add((path, info.Exists ? await File.ReadAllBytesAsync(path, ct) : null));
        }
        if (tooLarge.Count == 0) return await ImportAsync(files, ct);
        // The other files are still checked, so one run lists every problem.
        var rest = await ImportAsync(files, ct, commit: false);
        return new ImportReport([.. tooLarge, .. rest.Errors], []);
    }

    /// <summary>Imports files given as (display name, content); a null content means the file was not found.</summary>
    public Task<ImportReport> ImportAsync(IReadOnlyList<(string Name, byte[]? Bytes)> files, CancellationToken ct = default) =>
        ImportAsync(files, ct, commit: true);

    /// <summary>
    /// Imports files with every cohort changed by <paramref name="adjustCohort"/> once checked (the
    /// playground's sample cohort starting today); the command line imports files as they are.
    /// </summary>
    public Task<ImportReport> ImportAsync(IReadOnlyList<(string Name, byte[]? Bytes)> files, Func<Cohort, Cohort> adjustCohort, CancellationToken ct = default) =>
        ImportAsync(files, ct, commit: true, adjustCohort);

    private async Task<ImportReport> ImportAsync(IReadOnlyList<(string Name, byte[]? Bytes)> files, CancellationToken ct, bool commit,
        Func<Cohort, Cohort>? adjustCohort = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var errors = new List<ImportError>();
        var parsed = new List<Parsed>();
        foreach (var (name, bytes) in files)
        {
            var sink = new ErrorSink(name);
            var result = Parse(name, bytes, sink);
            errors.AddRange(sink.Errors);
            if (result is not null) parsed.Add(result);
        }
        await CheckReferencesAsync(parsed, errors, ct);
        if (errors.Count > 0 || !commit) return new ImportReport(errors, []);

        var reports = new List<FileReport>();
        await using var session = await database.BeginAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Packs first, then cohorts, then rosters: later kinds may name earlier ones from the same command.
        foreach (var p in parsed.Where(p => p.Course is not null))
            reports.Add(await ApplyCourseAsync(session, p.File, p.Course!, now));
        foreach (var p in parsed.Where(p => p.Cohort is not null))
            reports.Add(await ApplyCohortAsync(session, p.File, adjustCohort is null ? p.Cohort! : adjustCohort(p.Cohort!)));
        foreach (var p in parsed.Where(p => p.Roster is not null))
            reports.Add(await ApplyRosterAsync(session, p.File, p.Roster!.Entries, now));
        foreach (var report in reports.Where(r => r.Changed))
            await session.ExecuteAsync(
                "INSERT INTO audit_log (at, actor, action, detail) VALUES (@now, 'cli', 'import', @detail)",
                new { now, detail = StoredJson.Serialize(new { file = report.File, changes = report.Changes }) });
        await session.CommitAsync(ct);
        return new ImportReport([], reports);
    }

    private static Parsed? Parse(string name, byte[]? bytes, ErrorSink errors)
    {
        if (bytes is null)
        {
            errors.Add(0, "", "import.error.not_found");
            return null;
        }
        if (bytes.LongLength > MaxFileBytes)
        {
            errors.Errors.Add(TooLarge(name, bytes.LongLength));
            return null;
        }
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (extension is not (".csv" or ".yaml" or ".yml"))
        {
            errors.Add(0, "", "import.error.unknown_extension");
            return null;
        }
        var text = TextFile.Read(bytes, errors);
        if (text is null) return null;
        if (extension == ".csv")
        {
            var roster = RosterParser.Parse(text, errors);
            return roster is null ? null : new Parsed(name, null, null, roster, "roster");
        }

        if (!YamlLimits.Check(text, errors)) return null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            errors.Add((int)ex.Start.Line, "", "import.error.yaml_syntax", ("detail", ex.InnerException?.Message ?? ex.Message));
            return null;
        }
        // The text passed the streaming check; whatever the loader still throws is about the text.
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            errors.Add(1, "", "import.error.yaml_unreadable");
            return null;
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root ||
            root.Children.Count != 1 || root.Children.Keys.Single() is not YamlScalarNode { Value: "course" or "cohort" } kind)
        {
            errors.Add(1, "", "import.error.unknown_kind");
            return null;
        }
        if (root.Children[kind] is not YamlMappingNode body)
        {
            errors.Add(YamlFields.LineOf(root.Children[kind]), kind.Value, "import.error.expected_mapping");
            return null;
        }
        var fields = new YamlFields(body, "", errors);
        if (kind.Value == "course")
            return new Parsed(name, CoursePackParser.Parse(fields, out var courseCode), null, null, "course", courseCode);
        var cohort = CohortParser.Parse(fields, out var cohortCode, out var courseRef, out var groups);
        return new Parsed(name, null, cohort, null, "cohort", cohortCode, courseRef, groups);
    }

    private static ImportError TooLarge(string file, long bytes) =>
        new(file, 0, "", "import.error.too_large",
            [("size", (bytes / (1024.0 * 1024)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)), ("max", MaxFileBytes / (1024 * 1024))]);

    // Cohorts must name a known course; roster rows a known cohort and one of its groups, and an e-mail
    // nobody else has. Rows with errors of their own are checked too, so one run lists every error.
    private async Task CheckReferencesAsync(List<Parsed> parsed, List<ImportError> errors, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var knownCourses = (await Dapper.SqlMapper.QueryAsync<string>(connection, "SELECT code FROM courses")).ToHashSet();
        var knownGroups = new Dictionary<string, HashSet<string>>();
        foreach (var row in await Dapper.SqlMapper.QueryAsync<(string Cohort, string? Group)>(connection,
                     "SELECT c.code, g.code FROM cohorts c LEFT JOIN study_groups g ON g.cohort_id = c.id"))
        {
            if (!knownGroups.TryGetValue(row.Cohort, out var set)) knownGroups[row.Cohort] = set = new(StringComparer.OrdinalIgnoreCase);
            if (row.Group is not null) set.Add(row.Group);
        }

        var batchCourses = new Dictionary<string, string>();
        foreach (var p in parsed.Where(p => p.Kind == "course" && p.Code is not null))
        {
            if (batchCourses.TryGetValue(p.Code!, out var other))
                errors.Add(new ImportError(p.File, 0, "code", "import.error.same_in_two_files", [("value", p.Code), ("other", other)]));
            batchCourses[p.Code!] = p.File;
            knownCourses.Add(p.Code!);
        }
        var batchCohorts = new Dictionary<string, string>();
        var brokenCohorts = new HashSet<string>();
        foreach (var p in parsed.Where(p => p.Kind == "cohort"))
        {
            if (p.CourseRef is not null && !knownCourses.Contains(p.CourseRef))
                errors.Add(new ImportError(p.File, 0, "course", "import.error.unknown_course", [("value", p.CourseRef)]));
            if (p.Code is null) continue;
            if (batchCohorts.TryGetValue(p.Code, out var other))
                errors.Add(new ImportError(p.File, 0, "code", "import.error.same_in_two_files", [("value", p.Code), ("other", other)]));
            batchCohorts[p.Code] = p.File;
            if (!knownGroups.TryGetValue(p.Code, out var set)) knownGroups[p.Code] = set = new(StringComparer.OrdinalIgnoreCase);
            // Groups that did not read cleanly are not guessed at: their own errors are reported.
            if (p.Groups is null) brokenCohorts.Add(p.Code);
            else set.UnionWith(p.Groups);
        }
        var phonesInBatch = new Dictionary<(string, string), (string File, int Line)>();
        foreach (var p in parsed.Where(p => p.Roster is not null))
        {
            foreach (var row in p.Roster!.Rows.Where(r => r.Cohort is not null))
            {
                if (!knownGroups.TryGetValue(row.Cohort!, out var groups))
                    errors.Add(new ImportError(p.File, row.Line, "cohort", "import.error.unknown_cohort", [("value", row.Cohort)]));
                else if (row.Group is not null && !groups.Contains(row.Group) && !brokenCohorts.Contains(row.Cohort!))
                    errors.Add(new ImportError(p.File, row.Line, "group", "import.error.unknown_group", [("value", row.Group), ("cohort", row.Cohort)]));
            }
            foreach (var entry in p.Roster.Entries)
            {
                if (phonesInBatch.TryGetValue((entry.Cohort, entry.Phone), out var first) && first.File != p.File)
                    errors.Add(new ImportError(p.File, entry.Line, "phone", "import.error.duplicate_phone_other_file",
                        [("value", entry.Phone), ("other", $"{first.File}:{first.Line}")]));
                phonesInBatch[(entry.Cohort, entry.Phone)] = (p.File, entry.Line);
            }
        }
        await CheckEmailsAsync(connection, parsed, errors);
    }

    // Teams registration finds a person by their roster e-mail: two people sharing one could never
    // register. Within a file the parser has compared the rows; here the files of one command are
    // compared with each other, and with the people already stored who are not in this import (a
    // person listed here takes the e-mail given here, whatever was stored).
    private static async Task CheckEmailsAsync(System.Data.Common.DbConnection connection, List<Parsed> parsed, List<ImportError> errors)
    {
        var rows = parsed.Where(p => p.Roster is not null)
            .SelectMany(p => p.Roster!.Rows.Where(r => r.Email is not null).Select(r => (p.File, Row: r))).ToList();
        if (rows.Count == 0) return;
        var firstByEmail = new Dictionary<string, (string File, RosterRow Row)>(StringComparer.Ordinal);
        foreach (var (file, row) in rows)
        {
            if (!firstByEmail.TryGetValue(row.Email!, out var first)) firstByEmail[row.Email!] = (file, row);
            else if (first.File != file && first.Row.Phone != row.Phone)
                errors.Add(new ImportError(file, row.Line, "email", "import.error.duplicate_email_other_file",
                    [("value", row.Email), ("other", $"{first.File}:{first.Row.Line}")]));
        }
        var listed = parsed.Where(p => p.Roster is not null).SelectMany(p => p.Roster!.Rows)
            .Select(r => r.Phone).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var stored = await Dapper.SqlMapper.QueryAsync<(string Phone, string Name, string Email)>(connection,
            "SELECT phone, name, LOWER(email) FROM learners WHERE email IS NOT NULL");
        var storedByEmail = stored.Where(s => !listed.Contains(s.Phone)).GroupBy(s => s.Email, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (file, row) in rows)
            if (storedByEmail.TryGetValue(row.Email!, out var owner))
                errors.Add(new ImportError(file, row.Line, "email", "import.error.email_taken", [("value", row.Email), ("name", owner.Name)]));
    }

    private static async Task<FileReport> ApplyCourseAsync(DbSession s, string file, Course course, long now)
    {
        var header = new { course.Code, course.Title, course.Description, course.Topics };
        var hash = StoredJson.Hash(header);
        var existing = await s.QuerySingleOrDefaultAsync<KeyedRow>(
            "SELECT id, content_hash AS Hash FROM courses WHERE code = @Code", new { course.Code });
        long courseId;
        int added = 0, updated = 0;
        var row = new
        {
            course.Code,
            Title = StoredJson.Serialize(course.Title),
            Description = course.Description is null ? null : StoredJson.Serialize(course.Description),
            Topics = StoredJson.Serialize(course.Topics),
            Hash = hash,
            Now = now,
        };
        if (existing is null)
        {
            courseId = await s.ExecuteScalarAsync<long>(
                """
                INSERT INTO courses (code, title, description, topics, content_hash, updated_at)
                VALUES (@Code, @Title, @Description, @Topics, @Hash, @Now) RETURNING id
                """, row);
            added = 1;
        }
        else
        {
            courseId = existing.Id;
            if (existing.Hash != hash)
            {
                await s.ExecuteAsync(
                    """
                    UPDATE courses SET title = @Title, description = @Description, topics = @Topics,
                        content_hash = @Hash, updated_at = @Now WHERE code = @Code
                    """, row);
                updated = 1;
            }
        }

        var lessons = await SyncAsync(s, "import.what.lessons",
            "SELECT day AS key, id, content_hash AS hash, retired FROM lessons WHERE course_id = @courseId",
            new { courseId },
            course.Lessons.Select(l => (Key: l.Day.ToString(System.Globalization.CultureInfo.InvariantCulture), Hash: StoredJson.Hash(l), Item: l)),
            (l, h) => new
            {
                courseId, l.Day, Required = l.Required ? 1 : 0, l.CreditMinutes, Topics = StoredJson.Serialize(l.Topics),
                Payload = StoredJson.Serialize(new LessonPayload(l.Title, l.Body, l.Discussion, l.Media)), Hash = h,
            },
            """
            INSERT INTO lessons (course_id, day, required, credit_minutes, topics, payload, content_hash, retired)
            VALUES (@courseId, @Day, @Required, @CreditMinutes, @Topics, @Payload, @Hash, 0)
            """,
            """
            UPDATE lessons SET required = @Required, credit_minutes = @CreditMinutes, topics = @Topics,
                payload = @Payload, content_hash = @Hash, retired = 0 WHERE course_id = @courseId AND day = @Day
            """,
            "UPDATE lessons SET retired = 1 WHERE id = @id");

        var questions = await SyncAsync(s, "import.what.questions",
            "SELECT code AS key, id, content_hash AS hash, retired FROM questions WHERE course_id = @courseId",
            new { courseId },
            course.Questions.Select(q => (Key: q.Id, Hash: StoredJson.Hash(q), Item: q)),
            (q, h) => new
            {
                courseId, Code = q.Id, q.Topic, Type = q.Type.ToString(), Difficulty = q.Difficulty.ToString(),
                Payload = StoredJson.Serialize(new QuestionPayload(q.Text, q.Options, q.Correct, q.Accepted, q.Explanation)), Hash = h,
            },
            """
            INSERT INTO questions (course_id, code, topic, type, difficulty, payload, content_hash, retired)
            VALUES (@courseId, @Code, @Topic, @Type, @Difficulty, @Payload, @Hash, 0)
            """,
            """
            UPDATE questions SET topic = @Topic, type = @Type, difficulty = @Difficulty, payload = @Payload,
                content_hash = @Hash, retired = 0 WHERE course_id = @courseId AND code = @Code
            """,
            "UPDATE questions SET retired = 1 WHERE id = @id");

        var exams = await SyncAsync(s, "import.what.exams",
            "SELECT code AS key, id, content_hash AS hash, retired FROM exams WHERE course_id = @courseId",
            new { courseId },
            (course.Exams ?? []).Select(e => (Key: e.Code, Hash: StoredJson.Hash(e), Item: e)),
            (e, h) => new
            {
                // 0: no limit (the column is informative; the definition is what is read back).
                courseId, e.Code, Kind = ExamDefinition.KindName(e.Kind), e.PassMark, Attempts = e.Attempts ?? 0,
                Counts = ExamDefinition.CountsName(e.Counts), Definition = StoredJson.Serialize(e), Hash = h,
            },
            """
            INSERT INTO exams (course_id, code, kind, pass_mark, attempts_allowed, counts, definition, content_hash, retired)
            VALUES (@courseId, @Code, @Kind, @PassMark, @Attempts, @Counts, @Definition, @Hash, 0)
            """,
            """
            UPDATE exams SET kind = @Kind, pass_mark = @PassMark, attempts_allowed = @Attempts, counts = @Counts,
                definition = @Definition, content_hash = @Hash, retired = 0 WHERE course_id = @courseId AND code = @Code
            """,
            "UPDATE exams SET retired = 1 WHERE id = @id");

        var surveys = await ApplySurveysAsync(s, courseId, course);
        var rules = await ApplyRulesAsync(s, courseId, course);
        return new FileReport(file,
            [new ChangeCount("import.what.course", added, updated, 0, 1 - added - updated), lessons, questions, exams, surveys, rules], []);
    }

    private static async Task<FileReport> ApplyCohortAsync(DbSession s, string file, Cohort cohort)
    {
        var courseId = await s.ExecuteScalarAsync<long>("SELECT id FROM courses WHERE code = @CourseCode", new { cohort.CourseCode });
        var header = cohort with { Groups = [] };
        var row = new
        {
            cohort.Code, courseId, Name = StoredJson.Serialize(cohort.Name),
            StartDate = cohort.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            cohort.TimeZoneId, cohort.Language,
            Lesson = LocalTimes.Format(cohort.Schedule.Lesson),
            Open = LocalTimes.Format(cohort.Schedule.CheckInOpen),
            Close = LocalTimes.Format(cohort.Schedule.CheckInClose),
            Quiz = LocalTimes.Format(cohort.Schedule.Quiz),
            Reminder = LocalTimes.Format(cohort.Schedule.Reminder),
            Digest = LocalTimes.Format(cohort.Schedule.Digest),
            WeeklyDay = cohort.Schedule.WeeklyDigestDay.ToString().ToLowerInvariant(),
            WeeklyTime = LocalTimes.Format(cohort.Schedule.WeeklyDigestTime),
            cohort.QuizQuestions, SkipWeekends = cohort.SkipWeekends ? 1 : 0,
            Holidays = StoredJson.Serialize(cohort.Holidays.Select(h => h.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))),
            Hash = StoredJson.Hash(header),
        };
        var existing = await s.QuerySingleOrDefaultAsync<KeyedRow>(
            "SELECT id, content_hash AS Hash FROM cohorts WHERE code = @Code", new { cohort.Code });
        long cohortId;
        int added = 0, updated = 0;
        if (existing is null)
        {
            cohortId = await s.ExecuteScalarAsync<long>(
                """
                INSERT INTO cohorts (code, course_id, name, start_date, time_zone, language, lesson_time, checkin_open,
                    checkin_close, quiz_time, reminder_time, digest_time, weekly_digest_day, weekly_digest_time,
                    quiz_questions, skip_weekends, holidays, content_hash)
                VALUES (@Code, @courseId, @Name, @StartDate, @TimeZoneId, @Language, @Lesson, @Open, @Close, @Quiz,
                    @Reminder, @Digest, @WeeklyDay, @WeeklyTime, @QuizQuestions, @SkipWeekends, @Holidays, @Hash) RETURNING id
                """, row);
            added = 1;
        }
        else
        {
            cohortId = existing.Id;
            if (existing.Hash != row.Hash)
            {
                await s.ExecuteAsync(
                    """
                    UPDATE cohorts SET course_id = @courseId, name = @Name, start_date = @StartDate, time_zone = @TimeZoneId,
                        language = @Language, lesson_time = @Lesson, checkin_open = @Open, checkin_close = @Close,
                        quiz_time = @Quiz, reminder_time = @Reminder, digest_time = @Digest, weekly_digest_day = @WeeklyDay,
                        weekly_digest_time = @WeeklyTime, quiz_questions = @QuizQuestions, skip_weekends = @SkipWeekends,
                        holidays = @Holidays, content_hash = @Hash
                    WHERE id = @Id
                    """, new { row.Code, courseId, row.Name, row.StartDate, row.TimeZoneId, row.Language, row.Lesson, row.Open,
                        row.Close, row.Quiz, row.Reminder, row.Digest, row.WeeklyDay, row.WeeklyTime, row.QuizQuestions,
                        row.SkipWeekends, row.Holidays, row.Hash, Id = cohortId });
                updated = 1;
            }
        }

        var existingGroups = (await s.QueryAsync<(long Id, string Code, string Name, string Language)>(
                "SELECT id, code, name, language FROM study_groups WHERE cohort_id = @cohortId", new { cohortId }))
            .ToDictionary(g => g.Code, StringComparer.OrdinalIgnoreCase);
        int gAdded = 0, gUpdated = 0, gUnchanged = 0;
        foreach (var g in cohort.Groups)
        {
            var name = StoredJson.Serialize(g.Name);
            if (!existingGroups.TryGetValue(g.Code, out var old))
            {
                await s.ExecuteAsync(
                    "INSERT INTO study_groups (cohort_id, code, name, language) VALUES (@cohortId, @Code, @name, @Language)",
                    new { cohortId, g.Code, name, g.Language });
                gAdded++;
            }
            else if (old.Name != name || old.Language != g.Language || old.Code != g.Code)
            {
                await s.ExecuteAsync("UPDATE study_groups SET code = @Code, name = @name, language = @Language WHERE id = @Id",
                    new { g.Code, name, g.Language, old.Id });
                gUpdated++;
            }
            else gUnchanged++;
        }
        var notes = new List<(string, (string, object?)[])>();
        var absent = existingGroups.Keys.Count(k => !cohort.Groups.Any(g => string.Equals(g.Code, k, StringComparison.OrdinalIgnoreCase)));
        if (absent > 0) notes.Add(("import.note.groups_kept", [("count", absent)]));
        return new FileReport(file,
            [new ChangeCount("import.what.cohort", added, updated, 0, 1 - added - updated),
             new ChangeCount("import.what.groups", gAdded, gUpdated, 0, gUnchanged)], notes);
    }

    private static async Task<FileReport> ApplyRosterAsync(DbSession s, string file, List<RosterEntry> roster, long now)
    {
        var cohorts = new Dictionary<string, (long Id, Dictionary<string, long> Groups)>();
        foreach (var code in roster.Select(r => r.Cohort).Distinct())
        {
            var id = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts WHERE code = @code", new { code });
            var groups = (await s.QueryAsync<(string Code, long Id)>("SELECT code, id FROM study_groups WHERE cohort_id = @id", new { id }))
                .ToDictionary(g => g.Code, g => g.Id, StringComparer.OrdinalIgnoreCase);
            cohorts[code] = (id, groups);
        }

        int lAdded = 0, lUpdated = 0, lUnchanged = 0, eAdded = 0, eUpdated = 0, eUnchanged = 0;
        var enrolledNow = new HashSet<(long Cohort, long Learner)>();
        foreach (var entry in roster)
        {
            var learner = await s.QuerySingleOrDefaultAsync<LearnerRow>(
                "SELECT id, name, language, email FROM learners WHERE phone = @Phone", new { entry.Phone });
            long learnerId;
            if (learner is null)
            {
                learnerId = await s.ExecuteScalarAsync<long>(
                    """
                    INSERT INTO learners (phone, name, language, email, created_at) VALUES (@Phone, @Name, @Language, @Email, @now)
                    ON CONFLICT (phone) DO UPDATE SET name = excluded.name RETURNING id
                    """, new { entry.Phone, entry.Name, entry.Language, entry.Email, now });
                lAdded++;
            }
            else
            {
                learnerId = learner.Id;
                if (learner.Name != entry.Name || learner.Language != entry.Language || learner.Email != entry.Email)
                {
                    await s.ExecuteAsync("UPDATE learners SET name = @Name, language = @Language, email = @Email WHERE id = @learnerId",
                        new { entry.Name, entry.Language, entry.Email, learnerId });
                    lUpdated++;
                }
                else lUnchanged++;
            }

            var (cohortId, groups) = cohorts[entry.Cohort];
            long? groupId = entry.Group is null ? null : groups[entry.Group];
            var role = entry.Role.ToString().ToLowerInvariant();
            enrolledNow.Add((cohortId, learnerId));
            var enrollment = await s.QuerySingleOrDefaultAsync<EnrollmentRow>(
                "SELECT group_id, role FROM enrollments WHERE cohort_id = @cohortId AND learner_id = @learnerId",
                new { cohortId, learnerId });
            if (enrollment is null)
            {
                await s.ExecuteAsync(
                    """
                    INSERT INTO enrollments (cohort_id, learner_id, group_id, role, enrolled_at)
                    VALUES (@cohortId, @learnerId, @groupId, @role, @now)
                    """, new { cohortId, learnerId, groupId, role, now });
                eAdded++;
            }
            else if (enrollment.GroupId != groupId || enrollment.Role != role)
            {
                await s.ExecuteAsync(
                    "UPDATE enrollments SET group_id = @groupId, role = @role WHERE cohort_id = @cohortId AND learner_id = @learnerId",
                    new { groupId, role, cohortId, learnerId });
                eUpdated++;
            }
            else eUnchanged++;
        }

        var notes = new List<(string, (string, object?)[])>();
        foreach (var (code, (cohortId, _)) in cohorts)
        {
            var enrolled = await s.QueryAsync<long>("SELECT learner_id FROM enrollments WHERE cohort_id = @cohortId", new { cohortId });
            var absent = enrolled.Count(id => !enrolledNow.Contains((cohortId, id)));
            if (absent > 0) notes.Add(("import.note.learners_kept", [("count", absent), ("cohort", code)]));
        }
        return new FileReport(file,
            [new ChangeCount("import.what.learners", lAdded, lUpdated, 0, lUnchanged),
             new ChangeCount("import.what.enrollments", eAdded, eUpdated, 0, eUnchanged)], notes);
    }

    // Rows read by Dapper through property setters (lenient about SQLite's integer and NULL types).
    private sealed class KeyedRow { public long Id { get; init; } public string Hash { get; init; } = ""; }

    private sealed class EnrollmentRow { public long? GroupId { get; init; } public string Role { get; init; } = ""; }

    private sealed class LearnerRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string? Language { get; init; }
        public string? Email { get; init; }
    }

    private sealed record SyncRow(string Key, long Id, string Hash, long Retired);

    // Brings a set of keyed rows in line with the pack: insert new, update changed (un-retiring them),
    // retire those the pack no longer has. Rows are never deleted: answers and deliveries point at them.
    private static async Task<ChangeCount> SyncAsync<T>(DbSession s, string what, string selectSql, object selectParam,
        IEnumerable<(string Key, string Hash, T Item)> wanted, Func<T, string, object> toRow,
        string insertSql, string updateSql, string retireSql)
    {
        // Keys are days (integers) for lessons and ids (text) for questions: read them untyped.
        var existing = (await s.QueryAsync<dynamic>(selectSql, selectParam))
            .Cast<IDictionary<string, object>>()
            .Select(r => new SyncRow(Convert.ToString(r["key"], System.Globalization.CultureInfo.InvariantCulture)!,
                Convert.ToInt64(r["id"], System.Globalization.CultureInfo.InvariantCulture), (string)r["hash"],
                Convert.ToInt64(r["retired"], System.Globalization.CultureInfo.InvariantCulture)))
            .ToDictionary(r => r.Key);
        int added = 0, updated = 0, retired = 0, unchanged = 0;
        var seen = new HashSet<string>();
        foreach (var (key, hash, item) in wanted)
        {
            seen.Add(key);
            if (!existing.TryGetValue(key, out var row)) { await s.ExecuteAsync(insertSql, toRow(item, hash)); added++; }
            else if (row.Hash != hash || row.Retired != 0) { await s.ExecuteAsync(updateSql, toRow(item, hash)); updated++; }
            else unchanged++;
        }
        foreach (var row in existing.Values.Where(r => r.Retired == 0 && !seen.Contains(r.Key)))
        {
            await s.ExecuteAsync(retireSql, new { id = row.Id });
            retired++;
        }
        return new ChangeCount(what, added, updated, retired, unchanged);
    }
}
