using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Academy.Learning.Import;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Faults;

/// <summary>
/// LONG (real processes, about a minute): the built host receives quiz votes through its Telegram
/// webhook while <c>backup</c> runs in a process of its own. The backup is restored into a fresh
/// folder, a host started on it, and every vote acknowledged (200) before the backup began is there
/// as an answer; votes sent to the restored host are recorded too (the inbox log carries on where the
/// store left it). <c>restore</c> onto the running host's store is refused and changes nothing.
/// </summary>
public sealed class BackupUnderLoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string HookPath = "/telegram/hook";
    private const string Secret = "backup-load-Secret_1";
    private const long Group = -1001234567890, Admin = 5001, FirstLearner = 80_000;
    private const int Voters = 1200, Late = 20; // Late: learners who vote only after the restore

    private readonly DirectoryInfo _live = Directory.CreateTempSubdirectory("academy-live-");
    private readonly DirectoryInfo _fresh = Directory.CreateTempSubdirectory("academy-restored-");
    private FakeBotApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var folder in new[] { _live, _fresh })
            try { folder.Delete(recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_backup_taken_under_load_and_restored_keeps_every_answer_acknowledged_before_it_began()
    {
        var store = new StoreOptions { SqlitePath = Path.Combine(_live.FullName, "data", "academy.db") };
        await SeedAsync(store);
        var backup = Path.Combine(_live.FullName, "backups", "academy-backup.zip");

        var port = BuiltHost.FreePort();
        var live = BuiltHost.Start(_live.FullName, ["--urls", $"http://127.0.0.1:{port}"], Settings());
        Dictionary<long, TimeSpan> acknowledged;
        TimeSpan backupBegan, backupEnded;
        var updates = new TelegramUpdates();
        await using (live)
        {
            await live.WaitHealthyAsync(port);
            await Eventually.UntilAsync(() => Task.FromResult(_api.WebhookUrl is not null), "setWebhook", seconds: 30);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            // Day 1 in the group: its quiz goes out as native polls.
            Assert.Equal(HttpStatusCode.OK, await TelegramUpdates.PostAsync(http, HookPath, updates.CommandIn(Group, Admin, "/push 1"), Secret));
            var polls = await WaitForPollsAsync(store, live);

            // Eight senders vote one learner after another; when a fifth of the votes are in, the backup starts.
            var clock = Stopwatch.StartNew();
            var acks = new ConcurrentDictionary<long, TimeSpan>();
            var bodies = Enumerable.Range(0, Voters).Select(i => (User: FirstLearner + i, Body: updates.PollAnswer(FirstLearner + i, polls[i % polls.Count], i % 2))).ToList();
            var load = Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                foreach (var (user, body) in bodies.Where((_, i) => i % 8 == worker))
                {
                    for (int attempt = 0; ; attempt++)
                    {
                        if (await TelegramUpdates.PostAsync(http, HookPath, body, Secret) == HttpStatusCode.OK) { acks[user] = clock.Elapsed; break; }
                        Assert.True(attempt < 50, $"the vote of {user} was never acknowledged");
                        await Task.Delay(100);
                    }
                    await Task.Delay(15);
                }
            })));
            await Eventually.UntilAsync(() => Task.FromResult(acks.Count >= Voters / 5 || load.IsCompleted), "a fifth of the votes", seconds: 60);
            backupBegan = clock.Elapsed;
            var (code, said, errors) = await BuiltHost.RunAsync(_live.FullName, ["backup", "backups/academy-backup.zip"]);
            backupEnded = clock.Elapsed;
            Assert.True(code == 0, errors + live.Log);
            Assert.StartsWith($"Backed up {store.SqlitePath} and its inbox log", said, StringComparison.Ordinal);
            await load;
            acknowledged = new Dictionary<long, TimeSpan>(acks);
            var during = acknowledged.Values.Count(t => t >= backupBegan && t <= backupEnded);
            output.WriteLine($"{acknowledged.Count(a => a.Value < backupBegan)} votes acknowledged before the backup began, {during} while it ran " +
                             $"({(backupEnded - backupBegan).TotalSeconds:F1} s), {acknowledged.Count} in all");
            Assert.True(during > 0, "the host was taking votes while the backup ran");

            // The live store cannot be restored over while its host runs.
            (code, said, errors) = await BuiltHost.RunAsync(_live.FullName, ["restore", "backups/academy-backup.zip", "--force"]);
            Assert.Equal(1, code);
            Assert.Equal($"{store.SqlitePath} is in use by a running Academy (the host, an import or a backup): stop it, then restore. Nothing was changed.", errors.Trim());
            Assert.False(File.Exists(store.SqlitePath + ".before-restore"));
        }
        DescribeBackup(backup);

        // Into a fresh folder, with a host on it.
        var (restoreCode, restoreSaid, restoreErrors) = await BuiltHost.RunAsync(_fresh.FullName, ["restore", backup]);
        Assert.True(restoreCode == 0, restoreErrors);
        var restoredStore = new StoreOptions { SqlitePath = Path.Combine(_fresh.FullName, "data", "academy.db") };
        Assert.StartsWith($"Restored {restoredStore.SqlitePath} and its inbox log", restoreSaid, StringComparison.Ordinal);
        port = BuiltHost.FreePort();
        await using (var restored = BuiltHost.Start(_fresh.FullName, ["--urls", $"http://127.0.0.1:{port}"], Settings()))
        {
            await restored.WaitHealthyAsync(port);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            List<string> polls;
            await using (var db = new AcademyDatabase(restoredStore))
            await using (var s = await db.BeginReadAsync())
                polls = (await s.QueryAsync<string>("SELECT poll_id FROM poll_links ORDER BY delivery_id")).ToList();
            foreach (var i in Enumerable.Range(Voters, Late))
                Assert.Equal(HttpStatusCode.OK, await TelegramUpdates.PostAsync(http, HookPath, updates.PollAnswer(FirstLearner + i, polls[i % polls.Count], 0), Secret));
            await WaitAllProcessedAsync(restoredStore, restored);
        }

        Dictionary<long, long> answers;
        await using (var db = new AcademyDatabase(restoredStore))
        await using (var s = await db.BeginReadAsync())
            answers = (await s.QueryAsync<(string User, long Answers)>(
                """
                SELECT ci.external_id, COUNT(a.id) FROM channel_identities ci JOIN answers a ON a.learner_id = ci.learner_id
                WHERE ci.channel = 'telegram' GROUP BY ci.external_id
                """)).ToDictionary(r => long.Parse(r.User, CultureInfo.InvariantCulture), r => r.Answers);
        var before = acknowledged.Where(a => a.Value < backupBegan).Select(a => a.Key).ToList();
        Assert.NotEmpty(before);
        var missing = before.Where(u => answers.GetValueOrDefault(u) != 1).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} votes acknowledged before the backup began are not answers after the restore, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.All(Enumerable.Range(Voters, Late), i => Assert.Equal(1, answers.GetValueOrDefault(FirstLearner + i)));
        Assert.All(answers.Values, n => Assert.Equal(1, n));
        output.WriteLine($"{answers.Count - Late} of the {acknowledged.Count} votes are in the restored store");
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["Telegram__BotToken"] = _api.Token,
        ["Telegram__ApiBaseUrl"] = _api.BaseUrl,
        ["Telegram__Mode"] = "Webhook",
        ["Telegram__WebhookUrl"] = "https://academy.example.org" + HookPath,
        ["Telegram__SecretToken"] = Secret,
        ["Playground__Enabled"] = "false",
        ["Scheduler__Enabled"] = "false",
    };

    // The sample course, cohort and roster; HN-01 bound to the Telegram group; the admin and every voter
    // on Telegram (written directly: registering them through /start is not the point here).
    private static async Task SeedAsync(StoreOptions store)
    {
        await using var db = new AcademyDatabase(store);
        await new Migrator(db, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync();
        var report = await new ContentImporter(db, TimeProvider.System).ImportAsync(Samples.All);
        Assert.True(report.Succeeded);
        var directory = new LearnerDirectory(TimeProvider.System);
        await using var s = await db.BeginAsync();
        var (cohort, group) = await s.QuerySingleAsync<(long, long)>("SELECT cohort_id, id FROM study_groups WHERE code = 'HN-01'");
        await directory.BindGroupChatAsync(s, group, new ChatAddress("telegram", Group.ToString(CultureInfo.InvariantCulture)));
        await directory.LinkIdentityAsync(s, "telegram", Admin.ToString(CultureInfo.InvariantCulture),
            await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84903100200'"));
        for (var i = 0; i < Voters + Late; i++)
        {
            var learner = await s.ExecuteScalarAsync<long>(
                "INSERT INTO learners (phone, name, created_at) VALUES (@phone, @name, 0) RETURNING id",
                new { phone = "+8497" + (3_000_000 + i).ToString(CultureInfo.InvariantCulture), name = $"Học viên {i:D4}" });
            await s.ExecuteAsync("INSERT INTO enrollments (cohort_id, learner_id, group_id, role, enrolled_at) VALUES (@cohort, @learner, @group, 'learner', 0)",
                new { cohort, learner, group });
            await directory.LinkIdentityAsync(s, "telegram", (FirstLearner + i).ToString(CultureInfo.InvariantCulture), learner);
        }
        await s.CommitAsync();
    }

    private static async Task<List<string>> WaitForPollsAsync(StoreOptions store, RunningHost host)
    {
        await using var db = new AcademyDatabase(store);
        await Eventually.UntilAsync(async () =>
        {
            await using var s = await db.BeginReadAsync();
            return await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM poll_links") > 0
                   && await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0;
        }, "the quiz polls sent", seconds: 60, dump: () => Task.FromResult(host.Log));
        await using var r = await db.BeginReadAsync();
        return (await r.QueryAsync<string>("SELECT poll_id FROM poll_links ORDER BY delivery_id")).ToList();
    }

    // Nothing acknowledged is left unprocessed: nothing pending in the inbox, nothing in the log beyond what was moved.
    private static async Task WaitAllProcessedAsync(StoreOptions store, RunningHost host)
    {
        await using var db = new AcademyDatabase(store);
        await Eventually.UntilAsync(async () =>
        {
            long pending, moved, logged;
            await using (var s = await db.BeginReadAsync())
            {
                pending = await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status IN ('pending', 'failed')");
                moved = await s.ExecuteScalarAsync<long>("SELECT seq FROM inbox_transfer WHERE id = 1");
            }
            await using (var l = await db.InboxLog!.BeginReadAsync())
                logged = await l.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox_log WHERE seq > @moved", new { moved });
            return pending == 0 && logged == 0;
        }, "every update processed", seconds: 90, dump: () => Task.FromResult(host.Log));
    }

    // What the backup caught in flight: updates in its inbox log the store had not moved yet.
    private void DescribeBackup(string zip)
    {
        var folder = Directory.CreateTempSubdirectory("academy-look-");
        try
        {
            System.IO.Compression.ZipFile.ExtractToDirectory(zip, folder.FullName);
            using var store = new SqliteConnection($"Data Source={Path.Combine(folder.FullName, "academy.db")};Pooling=False");
            using var log = new SqliteConnection($"Data Source={Path.Combine(folder.FullName, "academy.inbox.db")};Pooling=False");
            var moved = Dapper.SqlMapper.ExecuteScalar<long>(store, "SELECT seq FROM inbox_transfer WHERE id = 1");
            var waiting = Dapper.SqlMapper.ExecuteScalar<long>(log, "SELECT COUNT(*) FROM inbox_log WHERE seq > @moved", new { moved });
            var pending = Dapper.SqlMapper.ExecuteScalar<long>(store, "SELECT COUNT(*) FROM inbox WHERE status = 'pending'");
            output.WriteLine($"in the backup: {waiting} updates only in the inbox log, {pending} pending in the store");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
