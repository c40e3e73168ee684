using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Assessment;

/// <summary>Issuing, finding and revoking certificates, on every engine.</summary>
public abstract class CertificateIssueSuite : StoreTestBase
{
    [Fact]
    public async Task Issuing_twice_gives_one_certificate_and_one_congratulation_per_private_chat()
    {
        await ImportSamplesAsync();
        var certificates = new Certificates(new Outbox(Time), Catalog.Default, Time);
        long cohortId, learnerId;
        long? first, second;
        await using (var s = await Db.BeginAsync())
        {
            cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
            learnerId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84913000111'");
            await s.ExecuteAsync("UPDATE learners SET name = 'Nguyễn Thị Hồng Ánh', language = 'vi' WHERE id = @learnerId", new { learnerId });
            await s.ExecuteAsync("INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES ('telegram', '5001', @learnerId, 0)", new { learnerId });
            await Record.CreditAsync(s, cohortId, learnerId, "lesson:1", "lesson", 0, 60);
            await Record.CreditAsync(s, cohortId, learnerId, "lesson:2", "lesson", 0, 30);
            first = await certificates.IssueAsync(s, cohortId, learnerId);
            await s.CommitAsync();
        }
        await using (var s = await Db.BeginAsync())
        {
            second = await certificates.IssueAsync(s, cohortId, learnerId);
            await s.CommitAsync();
        }

        Assert.NotNull(first);
        Assert.Equal(first, second);
        Assert.Equal(1, await CountAsync("certificates"));
        Assert.Equal(2, await ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE chat_id = '5001'"));

        await using var read = await Db.BeginReadAsync();
        var issued = Assert.Single(await CertificateStore.ForLearnerAsync(read, learnerId));
        Assert.Equal("Nguyễn Thị Hồng Ánh", issued.Name);
        Assert.Equal(90, issued.CreditMinutes);
        Assert.Equal("1.5", Certificates.Hours(issued.CreditMinutes));
        Assert.Equal(new DateOnly(2026, 12, 1), issued.Finish);
        Assert.Equal("vi", issued.Language);
        Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", issued.Code);

        var payloads = await read.QueryAsync<string>("SELECT payload FROM outbox WHERE chat_id = '5001' ORDER BY idem_key DESC");
        var preview = Outbox.Deserialize(payloads.First());
        Assert.Contains("Chúc mừng Nguyễn Thị Hồng Ánh", preview.Text, StringComparison.Ordinal);
        Assert.Equal(Certificates.AttachmentUrl(issued.Code, "png"), preview.Attachment!.Url);
        Assert.Equal(AttachmentKind.Document, Outbox.Deserialize(payloads.Last()).Attachment!.Kind);
    }

    [Fact]
    public async Task A_code_is_found_however_it_is_typed_and_a_forged_or_revoked_one_is_told_apart()
    {
        await ImportSamplesAsync();
        var certificates = new Certificates(new Outbox(Time), Catalog.Default, Time);
        string code;
        await using (var s = await Db.BeginAsync())
        {
            var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
            var learnerId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84913000111'");
            await certificates.IssueAsync(s, cohortId, learnerId);
            code = await s.ExecuteScalarAsync<string>("SELECT code FROM certificates");
            await s.CommitAsync();
        }

        await using (var s = await Db.BeginReadAsync())
        {
            Assert.Equal(code, (await Certificates.FindAsync(s, code))?.Code);
            Assert.Equal(code, (await Certificates.FindAsync(s, " " + code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() + " "))?.Code);
            Assert.Null(await Certificates.FindAsync(s, Forge(code)));
            Assert.Null(await Certificates.FindAsync(s, CertificateCode.New()));
            Assert.Null(await Certificates.FindAsync(s, "' OR 1=1 --"));
            Assert.Null(await Certificates.FindAsync(s, ""));
        }
        await using (var s = await Db.BeginAsync())
        {
            Assert.True(await certificates.RevokeAsync(s, code));
            Assert.False(await certificates.RevokeAsync(s, code));
            await s.CommitAsync();
        }
        await using (var s = await Db.BeginReadAsync())
            Assert.True((await Certificates.FindAsync(s, code))!.Revoked);
    }

    /// <summary>The code with its first symbol changed: what a forger who saw one certificate would try.</summary>
    public static string Forge(string code) => (code[0] == 'A' ? 'B' : 'A') + code[1..];
}

public sealed class SqliteCertificateIssueTests : CertificateIssueSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresCertificateIssueTests : CertificateIssueSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
