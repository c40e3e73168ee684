using Academy.Learning.Import;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Playground;

/// <summary>
/// First start with an empty store: import the sample course, cohort and roster shipped beside the
/// binary, and give every sample group a playground chat, so a newcomer sees a working academy.
/// </summary>
/// <remarks>
/// The sample cohort starts today in its own time zone (or on the next date its calendar counts, past a
/// holiday), not on the file's date: a newcomer weeks later would otherwise land on a finished
/// programme, a holiday, or a closed pre-test. <c>import</c> from the command line keeps the file's date.
/// </remarks>
public sealed class PlaygroundSeeder(AcademyDatabase database, ContentImporter importer, LearnerDirectory directory, PlaygroundOptions options,
    TimeProvider time, ILogger<PlaygroundSeeder> logger)
{
    public async Task SeedIfEmptyAsync(CancellationToken ct = default)
    {
        await using (var s = await database.BeginReadAsync(ct))
            if (await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM courses") > 0) return;

        var folder = Path.Combine(AppContext.BaseDirectory, "content");
        var files = new[] { "digital-safety.yaml", "cohort-sample.yaml", "roster-sample.csv" }.Select(f => Path.Combine(folder, f)).ToList();
        if (!files.All(File.Exists))
        {
            logger.LogWarning("Sample content not found in {Folder}; the playground starts empty", folder);
            return;
        }
        var contents = new List<(string Name, byte[]? Bytes)>();
        foreach (var file in files) contents.Add((file, await File.ReadAllBytesAsync(file, ct)));
        var report = options.SampleStartsToday
            ? await importer.ImportAsync(contents, StartingToday, ct)
            : await importer.ImportAsync(contents, ct);
        if (!report.Succeeded)
        {
            logger.LogError("The sample content did not import: {Errors}", string.Join("; ", report.Errors.Select(e => $"{e.File}:{e.Line} {e.Field} {e.MessageKey}")));
            return;
        }
        await using var w = await database.BeginAsync(ct);
        foreach (var (id, code) in await w.QueryAsync<(long, string)>("SELECT id, code FROM study_groups ORDER BY id"))
            await directory.BindGroupChatAsync(w, id, new ChatAddress(PlaygroundChannel.Name, PlaygroundChannel.GroupPrefix + code));
        await w.CommitAsync(ct);
        logger.LogInformation("Loaded the sample course into the playground");
    }

    private Cohort StartingToday(Cohort cohort)
    {
        var calendar = cohort.Calendar(0);
        return cohort with { Start = calendar.FirstProgrammeDateFrom(calendar.LocalDate(time.GetUtcNow())) };
    }
}
