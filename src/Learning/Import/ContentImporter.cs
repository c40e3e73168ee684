using Academy.Learning.Model;
using Academy.Learning.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Academy.Learning.Content;
using Academy.Learning.People;
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
        var at = time.GetUtcNow();
        var now = at.ToUnixTimeMilliseconds();
        // Packs first, then cohorts, then rosters: later kinds may name earlier ones from the same command.
        foreach (var p in parsed.Where(p => p.Course is not null))
            reports.Add(await ApplyCourseAsync(session, p.File, p.Course!, now));
        foreach (var p in parsed.Where(p => p.Cohort is not null))
            reports.Add(await ApplyCohortAsync(session, p.File, adjustCohort is null ? p.Cohort! : adjustCohort(p.Cohort!)));
        foreach (var p in parsed.Where(p => p.Roster is not null))
            reports.Add(await ApplyRosterAsync(session, p.File, p.Roster!.Entries, now));
        foreach (var report in reports.Where(r => r.Changed))
            await AuditStore.RecordAsync(session, at, "cli", "import", StoredJson.Serialize(new { file = report.File, changes = report.Changes }));
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
        await using var s = await database.BeginReadAsync(ct);
        var knownCourses = await ImportStore.CourseCodesAsync(s);
        var knownGroups = new Dictionary<string, HashSet<string>>();
        foreach (var row in await ImportStore.CohortGroupCodesAsync(s))
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
        await CheckEmailsAsync(s, parsed, errors);
    }

    // Teams registration finds a person by their roster e-mail: two people sharing one could never
    // register. Within a file the parser has compared the rows; here the files of one command are
    // compared with each other, and with the people already stored who are not in this import (a
    // person listed here takes the e-mail given here, whatever was stored).
    private static async Task CheckEmailsAsync(DbSession s, List<Parsed> parsed, List<ImportError> errors)
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
        var stored = await ImportStore.LearnersWithEmailAsync(s);
        var storedByEmail = stored.Where(l => !listed.Contains(l.Phone)).GroupBy(l => l.Email, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (file, row) in rows)
            if (storedByEmail.TryGetValue(row.Email!, out var owner))
                errors.Add(new ImportError(file, row.Line, "email", "import.error.email_taken", [("value", row.Email), ("name", owner.Name)]));
    }

    private static async Task<FileReport> ApplyCourseAsync(DbSession s, string file, Course course, long now)
    {
        var header = new { course.Code, course.Title, course.Description, course.Topics };
        var hash = StoredJson.Hash(header);
        var existing = await ImportStore.FindCourseAsync(s, course.Code);
        long courseId;
        int added = 0, updated = 0;
        if (existing is null)
        {
            courseId = await ImportStore.InsertCourseAsync(s, course, hash, now);
            added = 1;
        }
        else
        {
            courseId = existing.Id;
            if (existing.Hash != hash)
            {
                await ImportStore.UpdateCourseAsync(s, course, hash, now);
                updated = 1;
            }
        }

        var lessons = await SyncAsync(s, "import.what.lessons", ImportStore.Lessons, courseId,
            course.Lessons.Select(l => (Key: l.Day.ToString(System.Globalization.CultureInfo.InvariantCulture), Hash: StoredJson.Hash(l), Item: l)));
        var questions = await SyncAsync(s, "import.what.questions", ImportStore.Questions, courseId,
            course.Questions.Select(q => (Key: q.Id, Hash: StoredJson.Hash(q), Item: q)));
        var exams = await SyncAsync(s, "import.what.exams", ImportStore.Exams, courseId,
            (course.Exams ?? []).Select(e => (Key: e.Code, Hash: StoredJson.Hash(e), Item: e)));

        var surveys = await ApplySurveysAsync(s, courseId, course);
        var rules = await ApplyRulesAsync(s, courseId, course);
        return new FileReport(file,
            [new ChangeCount("import.what.course", added, updated, 0, 1 - added - updated), lessons, questions, exams, surveys, rules], []);
    }

    private static async Task<FileReport> ApplyCohortAsync(DbSession s, string file, Cohort cohort)
    {
        var courseId = await ImportStore.CourseIdAsync(s, cohort.CourseCode);
        var hash = StoredJson.Hash(cohort with { Groups = [] });
        var existing = await ImportStore.FindCohortAsync(s, cohort.Code);
        long cohortId;
        int added = 0, updated = 0;
        if (existing is null)
        {
            cohortId = await ImportStore.InsertCohortAsync(s, cohort, courseId, hash);
            added = 1;
        }
        else
        {
            cohortId = existing.Id;
            if (existing.Hash != hash)
            {
                await ImportStore.UpdateCohortAsync(s, cohortId, cohort, courseId, hash);
                updated = 1;
            }
        }

        var existingGroups = (await ImportStore.GroupsOfCohortAsync(s, cohortId)).ToDictionary(g => g.Code, StringComparer.OrdinalIgnoreCase);
        int gAdded = 0, gUpdated = 0, gUnchanged = 0;
        foreach (var g in cohort.Groups)
        {
            var name = StoredJson.Serialize(g.Name);
            if (!existingGroups.TryGetValue(g.Code, out var old))
            {
                await ImportStore.InsertGroupAsync(s, cohortId, g.Code, name, g.Language);
                gAdded++;
            }
            else if (old.Name != name || old.Language != g.Language || old.Code != g.Code)
            {
                await ImportStore.UpdateGroupAsync(s, old.Id, g.Code, name, g.Language);
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
            var id = await ImportStore.CohortIdAsync(s, code);
            var groups = (await ImportStore.GroupsOfCohortAsync(s, id)).ToDictionary(g => g.Code, g => g.Id, StringComparer.OrdinalIgnoreCase);
            cohorts[code] = (id, groups);
        }

        int lAdded = 0, lUpdated = 0, lUnchanged = 0, eAdded = 0, eUpdated = 0, eUnchanged = 0;
        var enrolledNow = new HashSet<(long Cohort, long Learner)>();
        foreach (var entry in roster)
        {
            var learner = await ImportStore.FindLearnerAsync(s, entry.Phone);
            long learnerId;
            if (learner is null)
            {
                learnerId = await ImportStore.InsertLearnerAsync(s, entry, now);
                lAdded++;
            }
            else
            {
                learnerId = learner.Id;
                if (learner.Name != entry.Name || learner.Language != entry.Language || learner.Email != entry.Email)
                {
                    await ImportStore.UpdateLearnerAsync(s, learnerId, entry);
                    lUpdated++;
                }
                else lUnchanged++;
            }

            var (cohortId, groups) = cohorts[entry.Cohort];
            long? groupId = entry.Group is null ? null : groups[entry.Group];
            var role = entry.Role.ToString().ToLowerInvariant();
            enrolledNow.Add((cohortId, learnerId));
            var enrollment = await ImportStore.FindEnrollmentAsync(s, cohortId, learnerId);
            if (enrollment is null)
            {
                await ImportStore.InsertEnrollmentAsync(s, cohortId, learnerId, groupId, role, now);
                eAdded++;
            }
            else if (enrollment.GroupId != groupId || enrollment.Role != role)
            {
                await ImportStore.UpdateEnrollmentAsync(s, cohortId, learnerId, groupId, role);
                eUpdated++;
            }
            else eUnchanged++;
        }

        var notes = new List<(string, (string, object?)[])>();
        foreach (var (code, (cohortId, _)) in cohorts)
        {
            var enrolled = await ImportStore.EnrolledLearnersAsync(s, cohortId);
            var absent = enrolled.Count(id => !enrolledNow.Contains((cohortId, id)));
            if (absent > 0) notes.Add(("import.note.learners_kept", [("count", absent), ("cohort", code)]));
        }
        return new FileReport(file,
            [new ChangeCount("import.what.learners", lAdded, lUpdated, 0, lUnchanged),
             new ChangeCount("import.what.enrollments", eAdded, eUpdated, 0, eUnchanged)], notes);
    }

    // Brings a table of the course's keyed content in line with the pack: insert new, update changed
    // (un-retiring them), retire those the pack no longer has.
    private static async Task<ChangeCount> SyncAsync<T>(DbSession s, string what, SyncedTable<T> table, long courseId,
        IEnumerable<(string Key, string Hash, T Item)> wanted)
    {
        var existing = await table.ExistingAsync(s, courseId);
        int added = 0, updated = 0, retired = 0, unchanged = 0;
        var seen = new HashSet<string>();
        foreach (var (key, hash, item) in wanted)
        {
            seen.Add(key);
            if (!existing.TryGetValue(key, out var row)) { await table.InsertAsync(s, courseId, item, hash); added++; }
            else if (row.Hash != hash || row.Retired) { await table.UpdateAsync(s, courseId, item, hash); updated++; }
            else unchanged++;
        }
        foreach (var row in existing.Values.Where(r => !r.Retired && !seen.Contains(r.Key)))
        {
            await table.RetireAsync(s, row.Id);
            retired++;
        }
        return new ChangeCount(what, added, updated, retired, unchanged);
    }
}
