using System.Globalization;
using System.Text;
using Academy.Learning.Charts;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Daily;

/// <summary>A message to queue in the outbox under its idempotency key.</summary>
public sealed record QueuedMessage(string Key, OutgoingMessage Message);

/// <summary>A planned moment that was skipped because the host was down past its deadline.</summary>
public sealed record SkippedItem(ProgrammeItem Item, int Day, DateTimeOffset PlannedAt);

/// <summary>
/// Composes the liaison's daily digest and the admins' weekly digest (text and an SVG chart),
/// addressed to their private chats. Read-only: the caller queues what it returns.
/// </summary>
/// <remarks>
/// A person's private chat on a channel is addressed by their id on that channel (the
/// <c>channel_identities</c> row); a person with no linked, reachable account gets nothing (the
/// weekly digest lists such liaisons). Long lists are capped at <see cref="MaxNames"/> names.
/// </remarks>
public sealed class Digests(Catalog catalog, Exams.ExamStatistics? exams = null)
{
    /// <summary>How many names (or groups) a list shows before "… and N more".</summary>
    public const int MaxNames = 30;

    /// <summary>Each liaison's digest of programme day <paramref name="day"/>, one per liaison and reachable private chat.</summary>
    public async Task<IReadOnlyList<QueuedMessage>> LiaisonDigestsAsync(DbSession s, StoredCohort cohort, int day, IReadOnlyList<SkippedItem> skipped)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(skipped);
        var recipients = (await RecipientsAsync(s, cohort, "liaison")).Where(r => r.GroupId is not null).ToList();
        if (recipients.Count == 0) return [];

        var reports = (await ProgrammeStatistics.GroupDaysAsync(s, cohort.Id, day)).ToDictionary(r => r.Group.Id);
        var series = (await ProgrammeStatistics.DailyFiguresAsync(s, cohort.Id, 1, day)).ToDictionary(g => g.Group.Id);
        var examReports = exams is null ? null : (await exams.ByGroupAsync(s, cohort.Id)).Groups;
        var texts = new Dictionary<(long, string), string>();
        var charts = new Dictionary<(long, string), byte[]>();
        var messages = new List<QueuedMessage>();
        foreach (var r in recipients)
        {
            var groupId = r.GroupId!.Value;
            if (!reports.TryGetValue(groupId, out var report)) continue;
            var lang = r.Language;
            if (!texts.TryGetValue((groupId, lang), out var text))
                texts[(groupId, lang)] = text = LiaisonText(catalog.For(lang), cohort, report, skipped)
                    + ExamLines(catalog.For(lang), examReports?.GetValueOrDefault(groupId));
            if (!charts.TryGetValue((groupId, lang), out var chart))
                charts[(groupId, lang)] = chart = GroupChart(catalog.For(lang), report.Group, series[groupId]);
            messages.Add(new QueuedMessage(
                Invariant($"c{cohort.Id}/d{day}/digest/g{groupId}/l{r.LearnerId}@{r.Channel}"),
                new OutgoingMessage
                {
                    To = new ChatAddress(r.Channel, r.ExternalId),
                    Text = text,
                    Attachment = new Attachment(AttachmentKind.Image, Invariant($"checkins-c{cohort.Id}-d{day}-g{groupId}.svg"), Content: chart),
                }));
        }
        return messages;
    }

    /// <summary>The weekly digest of week <paramref name="week"/> (local dates <paramref name="from"/>–<paramref name="to"/>) for every admin.</summary>
    public async Task<IReadOnlyList<QueuedMessage>> WeeklyDigestsAsync(DbSession s, StoredCohort cohort, int week, DateOnly from, DateOnly to,
        IReadOnlyList<SkippedItem> skipped)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(skipped);
        var recipients = await RecipientsAsync(s, cohort, "admin");
        if (recipients.Count == 0) return [];

        var calendar = cohort.Calendar;
        var weekDays = new List<int>();
        for (var d = from; d <= to; d = d.AddDays(1))
            if (calendar.DayNumber(d) is { } n) weekDays.Add(n);

        IReadOnlyList<GroupRank> ranking = [];
        IReadOnlyList<DayFigures> trend = [];
        DayFigures? total = null;
        if (weekDays.Count > 0)
        {
            // The trend runs from day 1 to the week's last day; the ranking covers the week alone.
            var all = await ProgrammeStatistics.DailyFiguresAsync(s, cohort.Id, 1, weekDays.Max());
            trend = ProgrammeStatistics.Trend(all);
            var inWeek = all.Select(g => g with { Days = g.Days.Where(d => weekDays.Contains(d.Day)).ToList() }).ToList();
            ranking = ProgrammeStatistics.Rank(inWeek);
            total = DayFigures.Sum(0, ranking.Select(r => r.Total));
        }
        var unreachable = await AudienceStore.UnreachableLiaisonsAsync(s, cohort.Id);
        var examReport = exams is null ? null : await exams.ForCohortAsync(s, cohort.Id);

        var texts = new Dictionary<string, string>();
        var charts = new Dictionary<string, byte[]>();
        var messages = new List<QueuedMessage>();
        foreach (var r in recipients)
        {
            var lang = r.Language;
            if (!texts.TryGetValue(lang, out var text))
                texts[lang] = text = WeeklyText(catalog.For(lang), cohort, week, from, to, total, ranking, unreachable, skipped)
                    + ExamLines(catalog.For(lang), examReport);
            var message = new OutgoingMessage { To = new ChatAddress(r.Channel, r.ExternalId), Text = text };
            if (trend.Count > 0)
            {
                if (!charts.TryGetValue(lang, out var chart))
                    charts[lang] = chart = TrendChart(catalog.For(lang), cohort, trend);
                message = message with
                {
                    Attachment = new Attachment(AttachmentKind.Image, Invariant($"trend-c{cohort.Id}-w{week}.svg"), Content: chart),
                };
            }
            messages.Add(new QueuedMessage(Invariant($"c{cohort.Id}/w{week}/weekly/l{r.LearnerId}@{r.Channel}"), message));
        }
        return messages;
    }

    // ---- text ---------------------------------------------------------------------------------

    /// <summary>How many of an exam's hardest questions a digest names.</summary>
    public const int HardestQuestions = 3;

    /// <summary>
    /// For each exam someone in scope has taken (practice tests aside), after a blank line: who took it,
    /// the average and pass rate, the score bands, and the questions fewest got right. Empty before any result.
    /// </summary>
    private static string ExamLines(Localizer t, Exams.ExamReport? report)
    {
        if (report is null) return "";
        var taken = report.Exams.Where(e => e.Took > 0 && e.Kind != "practice").ToList();
        if (taken.Count == 0) return "";
        return "\n\n" + string.Join("\n\n", taken.Select(e =>
        {
            var sb = new StringBuilder();
            sb.AppendLine(t.Get("exams.digest.line",
                ("exam", e.Title?.In(t.Language) ?? t["exams.kind." + e.Kind]), ("took", e.Took), ("enrolled", e.Enrolled),
                ("average", Math.Round(e.Average ?? 0, 1).ToString("0.#", CultureInfo.InvariantCulture)),
                ("pass", Math.Round((e.PassRate ?? 0) * 100).ToString(CultureInfo.InvariantCulture) + "%")));
            sb.AppendLine(t.Get("exams.digest.bands", ("bands", e.Bands.ToString())));
            // A question everyone got right is not hard: with none below 100% the exam has no "hardest" to name.
            var hardest = report.Questions.Where(q => q.ExamId == e.ExamId && q.ShareCorrect < 1).Take(HardestQuestions).ToList();
            if (hardest.Count > 0)
            {
                sb.AppendLine(t["exams.digest.hardest"]);
                foreach (var q in hardest)
                    sb.AppendLine(t.Get("exams.digest.hardest_entry", ("question", Shorten(q.Text.In(t.Language), 80)), ("code", q.QuestionCode),
                        ("correct", Percent(t, q.ShareCorrect)), ("answered", q.Answered)));
            }
            return sb.ToString().TrimEnd();
        }));
    }

    private static string LiaisonText(Localizer t, StoredCohort cohort, GroupDayReport report, IReadOnlyList<SkippedItem> skipped)
    {
        var zone = cohort.Calendar.Zone;
        var date = cohort.Calendar.DateOf(report.Day);
        var sb = new StringBuilder();
        sb.AppendLine(t.Get("digest.liaison.title", ("day", report.Day), ("group", report.Group.Name.In(t.Language)),
            ("date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        sb.AppendLine(t.Get("digest.checkin_summary", ("checked", report.CheckedIn.Count), ("enrolled", report.Enrolled),
            ("rate", Percent(t, report.CheckInRate))));
        sb.AppendLine();

        sb.AppendLine(t.Get("digest.checked_in.header", ("count", report.CheckedIn.Count)));
        sb.AppendLine(NameList(t, report.CheckedIn.Select(c => c.At is { } at
            ? t.Get("digest.checked_in.entry", ("name", c.Name), ("time", TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture)))
            : c.Name).ToList()));
        sb.AppendLine();

        sb.AppendLine(t.Get("digest.missed.header", ("count", report.Missed.Count)));
        // Those who had a streak going first: they are the ones a nudge keeps.
        sb.AppendLine(NameList(t, report.Missed.OrderByDescending(m => m.Streak).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => m.Streak > 0 ? t.Get("digest.missed.entry_streak", ("name", m.Name), ("streak", m.Streak)) : m.Name).ToList()));
        sb.AppendLine();

        if (report.Questions.Count == 0) sb.AppendLine(t["digest.quiz.none"]);
        else
        {
            sb.AppendLine(t.Get("digest.quiz.summary", ("participants", report.QuizParticipants), ("enrolled", report.Enrolled),
                ("rate", Percent(t, report.Participation))));
            for (var i = 0; i < report.Questions.Count; i++)
            {
                var q = report.Questions[i];
                var question = Shorten(q.Text.In(t.Language), 80);
                sb.AppendLine(q.Answers == 0
                    ? t.Get("digest.quiz.question_no_answers", ("number", i + 1), ("question", question))
                    : t.Get("digest.quiz.question", ("number", i + 1), ("question", question), ("answers", q.Answers),
                        ("correct", q.Correct), ("accuracy", Percent(t, q.Accuracy))));
            }
        }
        AppendSkipped(sb, t, zone, skipped);
        return sb.ToString().TrimEnd();
    }

    private static string WeeklyText(Localizer t, StoredCohort cohort, int week, DateOnly from, DateOnly to, DayFigures? total,
        IReadOnlyList<GroupRank> ranking, IReadOnlyList<(string Name, LocalizedText? Group)> unreachable, IReadOnlyList<SkippedItem> skipped)
    {
        var sb = new StringBuilder();
        sb.AppendLine(t.Get("digest.weekly.title", ("week", week), ("cohort", cohort.Cohort.Name.In(t.Language)),
            ("from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        if (total is null) sb.AppendLine(t["digest.weekly.no_days"]);
        else
        {
            sb.AppendLine(t.Get("digest.weekly.summary", ("rate", Percent(t, total.CheckInRate)), ("checked", total.CheckedIn),
                ("expected", total.Enrolled), ("accuracy", PercentOrNone(total.Accuracy)), ("groups", ranking.Count)));
            sb.AppendLine();
            sb.AppendLine(t["digest.weekly.ranking.header"]);
            // Thousands of groups: the best and the worst, with how many are left out between them.
            var shown = ranking.Count <= MaxNames ? ranking : [.. ranking.Take(MaxNames / 2), .. ranking.TakeLast(MaxNames / 2)];
            for (var i = 0; i < shown.Count; i++)
            {
                if (ranking.Count > MaxNames && i == MaxNames / 2)
                    sb.AppendLine(t.Get("digest.more_groups", ("count", ranking.Count - MaxNames)));
                var r = shown[i];
                sb.AppendLine(t.Get("digest.weekly.ranking.entry", ("rank", r.Rank), ("group", r.Group.Name.In(t.Language)),
                    ("rate", PercentOrNone(r.Total.CheckInRate)), ("participation", PercentOrNone(r.Total.Participation)),
                    ("accuracy", PercentOrNone(r.Total.Accuracy))));
            }
        }
        if (unreachable.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(t.Get("digest.weekly.unreachable.header", ("count", unreachable.Count)));
            sb.AppendLine(NameList(t, unreachable.Select(u => t.Get("digest.weekly.unreachable.entry", ("name", u.Name), ("group", u.Group?.In(t.Language) ?? ""))).ToList()));
        }
        AppendSkipped(sb, t, cohort.Calendar.Zone, skipped);
        return sb.ToString().TrimEnd();
    }

    private static void AppendSkipped(StringBuilder sb, Localizer t, TimeZoneInfo zone, IReadOnlyList<SkippedItem> skipped)
    {
        if (skipped.Count == 0) return;
        sb.AppendLine();
        sb.AppendLine(t.Get("digest.skipped.header", ("count", skipped.Count)));
        foreach (var item in skipped.OrderBy(i => i.PlannedAt).Take(MaxNames))
            sb.AppendLine(t.Get("digest.skipped.entry", ("item", ItemName(t, item)),
                ("time", TimeZoneInfo.ConvertTime(item.PlannedAt, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))));
        if (skipped.Count > MaxNames) sb.AppendLine(t.Get("digest.more", ("count", skipped.Count - MaxNames)));
    }

    private static string ItemName(Localizer t, SkippedItem item) => item.Item switch
    {
        ProgrammeItem.Lesson => t.Get("digest.item.lesson", ("day", item.Day)),
        ProgrammeItem.CheckIn => t.Get("digest.item.checkin", ("day", item.Day)),
        ProgrammeItem.Quiz => t.Get("digest.item.quiz", ("day", item.Day)),
        ProgrammeItem.Reminder => t.Get("digest.item.reminder", ("day", item.Day)),
        ProgrammeItem.Close => t.Get("digest.item.close", ("day", item.Day)),
        ProgrammeItem.LiaisonDigest => t.Get("digest.item.liaison_digest", ("day", item.Day)),
        _ => t.Get("digest.item.weekly_digest", ("day", item.Day)),
    };

    /// <summary>Names separated by commas, the first <see cref="MaxNames"/> of them, then "… and N more"; "nobody" for none.</summary>
    private static string NameList(Localizer t, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return t["digest.nobody"];
        var separator = t["digest.separator"];
        var shown = string.Join(separator, names.Take(MaxNames));
        return names.Count <= MaxNames ? shown : shown + " " + t.Get("digest.more", ("count", names.Count - MaxNames));
    }

    private static string Percent(Localizer t, double? fraction) =>
        fraction is { } f ? Math.Round(f * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : t["digest.not_available"];

    // For a message that says in words what an unknown rate means ({accuracy, select, none {no quiz answers} …}) instead of showing a dash.
    private static string PercentOrNone(double? fraction) =>
        fraction is { } f ? Math.Round(f * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "none";

    private static string Shorten(string text, int max)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }

    // ---- charts -------------------------------------------------------------------------------

    private static byte[] GroupChart(Localizer t, GroupInfo group, GroupSeries series) =>
        SvgChart.RenderBytes(new ChartSpec(
            t.Get("digest.chart.title", ("group", group.Name.In(t.Language))),
            series.Days.Select(d => d.Day.ToString(CultureInfo.InvariantCulture)).ToList(),
            [
                new ChartSeries(t["digest.chart.checkin"], SeriesKind.Bar, series.Days.Select(d => d.CheckInRate * 100).ToList()),
                new ChartSeries(t["digest.chart.accuracy"], SeriesKind.Line, series.Days.Select(d => d.Accuracy * 100).ToList()),
            ],
            t["digest.chart.day"], t["digest.chart.percent"]));

    private static byte[] TrendChart(Localizer t, StoredCohort cohort, IReadOnlyList<DayFigures> trend) =>
        SvgChart.RenderBytes(new ChartSpec(
            t.Get("digest.chart.trend_title", ("cohort", cohort.Cohort.Name.In(t.Language))),
            trend.Select(d => d.Day.ToString(CultureInfo.InvariantCulture)).ToList(),
            [
                new ChartSeries(t["digest.chart.checkin"], SeriesKind.Bar, trend.Select(d => d.CheckInRate * 100).ToList()),
                new ChartSeries(t["digest.chart.accuracy"], SeriesKind.Line, trend.Select(d => d.Accuracy * 100).ToList()),
            ],
            t["digest.chart.day"], t["digest.chart.percent"]));

    // ---- recipients ---------------------------------------------------------------------------

    private sealed record Recipient(long LearnerId, long? GroupId, string Language, string Channel, string ExternalId);

    /// <summary>
    /// People with <paramref name="role"/> and their reachable private chats, one per channel (the
    /// account linked last). Liaisons are the cohort's; admin rights are global, so every admin gets
    /// every cohort's weekly digest.
    /// </summary>
    private static async Task<IReadOnlyList<Recipient>> RecipientsAsync(DbSession s, StoredCohort cohort, string role) =>
        (await AudienceStore.RoleHolderChatsAsync(s, cohort.Id, role))
            .GroupBy(r => (r.LearnerId, r.Channel))
            .Select(g => g.OrderByDescending(r => r.LinkedAt).ThenBy(r => r.ExternalId, StringComparer.Ordinal).First())
            .OrderBy(r => r.LearnerId).ThenBy(r => r.Channel, StringComparer.Ordinal)
            .Select(r => new Recipient(r.LearnerId, r.GroupId, Languages.Normalize(r.Language) ?? Languages.Normalize(cohort.Cohort.Language) ?? Languages.English,
                r.Channel, r.ExternalId))
            .ToList();

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
