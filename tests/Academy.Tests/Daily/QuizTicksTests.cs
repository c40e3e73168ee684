using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Tests.Storage;
using Academy.Tests.Support;

namespace Academy.Tests.Daily;

/// <summary>The rule of ticking a question with several answers, without a database.</summary>
public sealed class QuizTicksRuleTests
{
    [Fact]
    public void A_press_ticks_an_option_and_a_second_press_unticks_it()
    {
        var ticked = QuizTicks.Toggle([], 2);
        Assert.Equal([2], ticked);
        ticked = QuizTicks.Toggle(ticked, 0);
        Assert.Equal([0, 2], ticked);
        Assert.Equal([0], QuizTicks.Toggle(ticked, 2));
    }

    [Theory]
    [InlineData("0,2", new[] { 0, 2 })]
    [InlineData("2,0,2", new[] { 0, 2 })]
    [InlineData("3", new[] { 3 })]
    [InlineData("", new int[0])]
    [InlineData(",", new int[0])]
    public void Carried_ticks_are_read_as_each_option_once_in_order(string carried, int[] expected) =>
        Assert.Equal(expected, QuizTicks.Parse(carried));

    [Theory]
    [InlineData("0,x")]
    [InlineData("-1")]
    [InlineData(" 1")]
    [InlineData("1;2")]
    [InlineData("99999999999")]
    public void Ticks_that_are_not_option_numbers_are_refused(string carried) => Assert.Null(QuizTicks.Parse(carried));

    [Fact]
    public void The_draft_is_kept_as_its_options_in_order() => Assert.Equal("0,1,3", QuizTicks.Format([3, 0, 1]));

    [Fact]
    public void A_tick_is_acknowledged_with_the_options_numbered_from_one()
    {
        var en = Catalog.Default.For("en");
        Assert.Equal(en.Get("quiz.ticked", ("options", "1, 3")), QuizTicks.Acknowledgement([2, 0], en));
        Assert.Contains("1, 3", QuizTicks.Acknowledgement([2, 0], en), StringComparison.Ordinal);
        Assert.Equal(en["quiz.nothing_ticked"], QuizTicks.Acknowledgement([], en));
    }
}

/// <summary>Ticks kept per learner and delivery in the store, on each engine.</summary>
public abstract class QuizTicksSuite : StoreTestBase
{
    private long _delivery, _learner, _other;
    private Question _question = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ImportSamplesAsync();
        var enrolled = (await ScalarListAsync("SELECT learner_id FROM enrollments WHERE group_id IS NOT NULL ORDER BY learner_id")).ToList();
        (_learner, _other) = (enrolled[0], enrolled[1]);
        await using var s = await Db.BeginAsync();
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts WHERE code = 'sample-2026'");
        var groupId = await s.ExecuteScalarAsync<long>("SELECT group_id FROM enrollments WHERE learner_id = @_learner", new { _learner });
        var questionId = await s.ExecuteScalarAsync<long>("SELECT id FROM questions WHERE code = 'pw-09'");
        _question = (await ContentStore.GetQuestionAsync(s, questionId))!;
        _delivery = await Record.RecordDeliveryAsync(s, new Delivery("test/pw-09", cohortId, groupId, null, 1, DeliveryKind.Question, QuestionId: questionId));
        await s.CommitAsync();
    }

    private async Task<IEnumerable<long>> ScalarListAsync(string sql)
    {
        await using var s = await Db.BeginReadAsync();
        return await s.QueryAsync<long>(sql);
    }

    private async Task<IReadOnlyList<int>?> TickAsync(long learner, long option)
    {
        await using var s = await Db.BeginAsync();
        var ticked = await new QuizTicks(Time).TickAsync(s, _delivery, learner, _question, option);
        await s.CommitAsync();
        return ticked;
    }

    private async Task<IReadOnlyList<int>?> SubmittedAsync(long learner, string? carried)
    {
        await using var s = await Db.BeginReadAsync();
        return await new QuizTicks(Time).SubmittedAsync(s, _delivery, learner, carried);
    }

    [Fact]
    public async Task Ticks_are_kept_between_presses_and_submitted_as_kept()
    {
        Assert.True(_question.OptionCount >= 3);
        Assert.Equal([2], await TickAsync(_learner, 2));
        Assert.Equal([0, 2], await TickAsync(_learner, 0));
        Assert.Equal([0], await TickAsync(_learner, 2));
        Assert.Equal([0], await SubmittedAsync(_learner, null));
        Assert.Equal("0", await ScalarAsync<string>("SELECT options FROM quiz_drafts WHERE delivery_id = @_delivery AND learner_id = @_learner", new { _delivery, _learner }));
    }

    [Fact]
    public async Task Each_learner_ticks_their_own_draft()
    {
        await TickAsync(_learner, 1);
        await TickAsync(_other, 0);
        Assert.Equal([1], await SubmittedAsync(_learner, null));
        Assert.Equal([0], await SubmittedAsync(_other, null));
    }

    [Fact]
    public async Task An_option_the_question_does_not_have_ticks_nothing()
    {
        await TickAsync(_learner, 1);
        Assert.Null(await TickAsync(_learner, _question.OptionCount));
        Assert.Null(await TickAsync(_learner, -1));
        Assert.Equal([1], await SubmittedAsync(_learner, null));
    }

    [Fact]
    public async Task A_submit_that_carries_its_ticks_answers_with_them_not_the_draft()
    {
        await TickAsync(_learner, 1);
        Assert.Equal([0, 3], await SubmittedAsync(_learner, "3,0"));
        Assert.Null(await SubmittedAsync(_learner, "0,x"));
        Assert.Empty((await SubmittedAsync(_other, null))!);
    }
}

public sealed class SqliteQuizTicksTests : QuizTicksSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresQuizTicksTests : QuizTicksSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
