using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Daily;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Learning.Exams;

/// <summary>An exam of a cohort's course as stored.</summary>
public sealed record StoredExam(long Id, long CourseId, ExamDefinition Definition);

/// <summary>An exam a learner may start or resume now.</summary>
public sealed record OpenExam(StoredExam Exam, int AttemptsUsed, ExamAttempt? InProgress)
{
    /// <summary>Null when the exam sets no limit.</summary>
    public int? AttemptsLeft => Exam.Definition.AttemptsLeft(AttemptsUsed);
}

/// <summary>One attempt: its drawn questions (database ids, in order), where it stands and its deadline.</summary>
public sealed record ExamAttempt(long Id, long ExamId, long CohortId, long LearnerId, int Number, long Seed,
    IReadOnlyList<long> Questions, DateTimeOffset StartedAt, DateTimeOffset Deadline, int Position,
    DateTimeOffset? FinishedAt, double? Score, bool? Passed, IReadOnlyList<int> Ticked, ChatAddress? Chat, string? Language, string? AskedKey)
{
    public bool Finished => FinishedAt is not null;
}

public enum StartStatus
{
    Started,
    Resumed,
    /// <summary>
    /// The attempt in progress ran out of time before this press and nobody had finished it yet: it is
    /// finished now and is the outcome's attempt. Nothing new is started; the learner is owed its result.
    /// </summary>
    Expired,
    NotOpen,
    NoAttemptsLeft,
    UnknownExam,
}

public sealed record StartOutcome(StartStatus Status, StoredExam? Exam, ExamAttempt? Attempt);

public enum ExamAnswerStatus
{
    /// <summary>Recorded; the attempt goes on with the next question.</summary>
    Next,
    /// <summary>Recorded, and it was the last question: the attempt is finished.</summary>
    Finished,
    /// <summary>After the deadline: refused, and the attempt finished as it stood.</summary>
    Late,
    /// <summary>That question was already answered (a press delivered twice, an old message): nothing recorded.</summary>
    Stale,
    /// <summary>The attempt is over.</summary>
    Closed,
    /// <summary>Submit pressed with no option ticked: nothing recorded.</summary>
    NothingTicked,
    /// <summary>The attempt is another learner's: nothing recorded.</summary>
    NotYours,
    /// <summary>No attempt has that id: nothing recorded.</summary>
    Unknown,
    /// <summary>The press names an option the question does not have, or ticks a question that takes one answer: nothing recorded.</summary>
    Invalid,
}

/// <param name="Answer">For Next and Finished: the answer recorded (the options ticked, for a Submit).</param>
public sealed record ExamAnswerOutcome(ExamAnswerStatus Status, ExamAttempt? Attempt, StoredExam? Exam, Grade? Grade = null, Response? Answer = null);

/// <summary>One question of a finished attempt, for the review.</summary>
public sealed record ReviewItem(int Position, Question Question, Response? Response, double Score);

/// <param name="AttemptsLeft">Null when the exam sets no limit.</param>
public sealed record ExamReview(StoredExam Exam, ExamAttempt Attempt, IReadOnlyList<ReviewItem> Items, int? AttemptsLeft);

/// <summary>
/// Taking exams: open exams, starting or resuming an attempt, answering, finishing (on the last
/// answer, on a late answer, or by the sweep when time runs out untouched) and the review. The
/// deadline is fixed at the start and checked here, on the server, for every answer. Every write is
/// guarded by a key or a condition, so a press delivered twice records nothing twice.
/// </summary>
public sealed class ExamService(TimeProvider time, LearnerRecord record, Completion completion, ExamSeeds seeds)
{
    /// <summary>The exams of the cohort's course open to the learner now (or with an attempt in progress), in pack order.</summary>
    public async Task<IReadOnlyList<OpenExam>> OpenAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var cohort = await CohortStore.GetAsync(s, cohortId);
        if (cohort is null) return [];
        var now = time.GetUtcNow();
        var attempts = (await AttemptsAsync(s, "a.cohort_id = @cohortId AND a.learner_id = @learnerId", new { cohortId, learnerId })).ToList();
        var result = new List<OpenExam>();
        foreach (var exam in await ExamsOfCourseAsync(s, cohort.CourseId))
        {
            var mine = attempts.Where(a => a.ExamId == exam.Id).ToList();
            var running = mine.FirstOrDefault(a => !a.Finished && a.Deadline > now);
            var open = exam.Definition.Window.IsOpen(cohort.Calendar, now) && exam.Definition.HasAttemptsLeft(mine.Count);
            if (running is not null || open) result.Add(new OpenExam(exam, mine.Count, running));
        }
        return result;
    }

    /// <summary>
    /// Starts a new attempt, or resumes the one in progress (a Start pressed twice resumes). An attempt
    /// whose time ran out before the sweep saw it is finished instead and reported as
    /// <see cref="StartStatus.Expired"/>: the press that discovers it owes the learner its result, and
    /// starting another attempt there would spend one the learner did not ask for.
    /// </summary>
    public async Task<StartOutcome> StartAsync(DbSession s, long examId, long cohortId, long learnerId, ChatAddress chat, string language)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (await ExpireAsync(s, examId, cohortId, learnerId) is var (expired, expiredExam))
            return new StartOutcome(StartStatus.Expired, expiredExam, expired);
        var open = (await OpenAsync(s, cohortId, learnerId)).FirstOrDefault(o => o.Exam.Id == examId);
        if (open is null)
        {
            var exam = await GetExamAsync(s, examId);
            var cohort = await CohortStore.GetAsync(s, cohortId);
            if (exam is null || cohort is null || exam.CourseId != cohort.CourseId) return new StartOutcome(StartStatus.UnknownExam, null, null);
            var used = await s.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM exam_attempts WHERE exam_id = @examId AND cohort_id = @cohortId AND learner_id = @learnerId",
                new { examId, cohortId, learnerId });
            return new StartOutcome(exam.Definition.HasAttemptsLeft((int)used) ? StartStatus.NotOpen : StartStatus.NoAttemptsLeft, exam, null);
        }
        if (open.InProgress is { } running) return new StartOutcome(StartStatus.Resumed, open.Exam, running);

        var bank = await ContentStore.QuestionBankAsync(s, open.Exam.CourseId);
        var live = bank.Where(b => !b.Retired).ToList();
        var seed = seeds.Next();
        var ids = ExamDraw.Draw(open.Exam.Definition, live.Select(b => b.Question).ToList(), seed);
        var byCode = live.ToDictionary(b => b.Question.Id, b => b.Id);
        var now = time.GetUtcNow();
        var number = open.AttemptsUsed + 1;
        // The unique (exam, cohort, learner, number) makes a concurrent second start a no-op; both then resume the one row.
        await s.ExecuteAsync(
            """
            INSERT INTO exam_attempts (exam_id, cohort_id, learner_id, number, seed, questions, started_at, deadline, position,
                                       ticked, chat_channel, chat_id, language)
            VALUES (@examId, @cohortId, @learnerId, @number, @seed, @questions, @now, @deadline, 0, '', @Channel, @ChatId, @language)
            ON CONFLICT (exam_id, cohort_id, learner_id, number) DO NOTHING
            """,
            new
            {
                examId, cohortId, learnerId, number, seed, questions = string.Join(',', ids.Select(i => byCode[i])),
                now = now.ToUnixTimeMilliseconds(), deadline = (now + open.Exam.Definition.TimeLimit).ToUnixTimeMilliseconds(),
                chat.Channel, chat.ChatId, language,
            });
        var attempt = (await AttemptsAsync(s, "a.exam_id = @examId AND a.cohort_id = @cohortId AND a.learner_id = @learnerId AND a.number = @number",
            new { examId, cohortId, learnerId, number })).Single();
        return new StartOutcome(StartStatus.Started, open.Exam, attempt);
    }

    /// <summary>An attempt of this learner, with its exam.</summary>
    public async Task<(ExamAttempt Attempt, StoredExam Exam)?> GetAsync(DbSession s, long attemptId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var attempt = (await AttemptsAsync(s, "a.id = @attemptId AND a.learner_id = @learnerId", new { attemptId, learnerId })).SingleOrDefault();
        if (attempt is null) return null;
        return (attempt, (await GetExamAsync(s, attempt.ExamId))!);
    }

    /// <summary>Whether an attempt (named by a button) is the learner's own, someone else's, or none at all.</summary>
    public static async Task<Access> AttemptAccessAsync(DbSession s, long attemptId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var owner = await s.QuerySingleOrDefaultAsync<long?>("SELECT learner_id FROM exam_attempts WHERE id = @attemptId", new { attemptId });
        return owner is null ? Access.Unknown : owner == learnerId ? Access.Granted : Access.NotYours;
    }

    /// <summary>The learner's attempt in progress whose current question is answered by typing, if any.</summary>
    public async Task<(ExamAttempt Attempt, StoredExam Exam)?> RunningAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var attempt = (await AttemptsAsync(s, "a.learner_id = @learnerId AND a.finished_at IS NULL", new { learnerId }))
            .OrderByDescending(a => a.StartedAt).FirstOrDefault();
        if (attempt is null) return null;
        return (attempt, (await GetExamAsync(s, attempt.ExamId))!);
    }

    /// <summary>Remembers which message shows the current question, so ticks edit that one (the latest, after a resume).</summary>
    public static Task MarkAskedAsync(DbSession s, long attemptId, string key)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync("UPDATE exam_attempts SET asked_key = @key WHERE id = @attemptId", new { key, attemptId });
    }

    /// <summary>The question at a position of an attempt.</summary>
    public static async Task<Question> QuestionAsync(DbSession s, ExamAttempt attempt, int position)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return await ContentStore.GetQuestionAsync(s, attempt.Questions[position])
               ?? throw new InvalidOperationException($"Question {attempt.Questions[position]} of attempt {attempt.Id} is missing.");
    }

    /// <summary>Ticks or unticks an option of the current multiple-answer question. Returns the attempt as it now stands.</summary>
    public async Task<ExamAnswerOutcome> ToggleAsync(DbSession s, long attemptId, long learnerId, int position, int option)
    {
        var check = await CheckAsync(s, attemptId, learnerId, position);
        if (check.Status != ExamAnswerStatus.Next) return check;
        var question = await QuestionAsync(s, check.Attempt!, position);
        if (question.Type != QuestionType.Multiple || option < 0 || option >= question.OptionCount)
            return check with { Status = ExamAnswerStatus.Invalid };
        var ticked = check.Attempt!.Ticked.ToHashSet();
        if (!ticked.Remove(option)) ticked.Add(option);
        await s.ExecuteAsync("UPDATE exam_attempts SET ticked = @ticked WHERE id = @attemptId AND position = @position AND finished_at IS NULL",
            new { ticked = string.Join(',', ticked.Order()), attemptId, position = (long)position });
        return check with { Attempt = check.Attempt with { Ticked = [.. ticked.Order()] } };
    }

    /// <summary>
    /// Records the answer to the question at <paramref name="position"/> (null: the options ticked so
    /// far), graded under the exam's rule, and moves on; the last answer finishes the attempt.
    /// </summary>
    public async Task<ExamAnswerOutcome> AnswerAsync(DbSession s, long attemptId, long learnerId, int position, Response? response)
    {
        var check = await CheckAsync(s, attemptId, learnerId, position);
        if (check.Status != ExamAnswerStatus.Next) return check;
        var (attempt, exam) = (check.Attempt!, check.Exam!);
        if (response is null && attempt.Ticked.Count == 0) return check with { Status = ExamAnswerStatus.NothingTicked };
        response ??= Response.Choose([.. attempt.Ticked]);
        var question = await QuestionAsync(s, attempt, position);
        // A typed answer to a choice question is simply wrong; an option the question does not have is a forged press.
        if (response.Text is null && response.Options.Any(o => o < 0 || o >= question.OptionCount))
            return check with { Status = ExamAnswerStatus.Invalid };
        var grade = question.Grade(response, exam.Definition.Scoring);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var inserted = await s.ExecuteAsync(
            """
            INSERT INTO exam_answers (attempt_id, position, question_id, response, score, answered_at)
            VALUES (@attemptId, @position, @questionId, @response, @score, @now)
            ON CONFLICT (attempt_id, position) DO NOTHING
            """, new { attemptId, position = (long)position, questionId = attempt.Questions[position], response = response.Encode(), score = (double)grade.Score, now });
        if (inserted == 0) return new ExamAnswerOutcome(ExamAnswerStatus.Stale, attempt, exam);
        await s.ExecuteAsync("UPDATE exam_attempts SET position = @next, ticked = '' WHERE id = @attemptId AND position = @position",
            new { next = (long)position + 1, attemptId, position = (long)position });
        attempt = attempt with { Position = position + 1, Ticked = [] };
        if (attempt.Position < attempt.Questions.Count) return new ExamAnswerOutcome(ExamAnswerStatus.Next, attempt, exam, grade, response);
        return new ExamAnswerOutcome(ExamAnswerStatus.Finished, await FinishAsync(s, attempt, exam), exam, grade, response);
    }

    /// <summary>
    /// Finishes attempts whose time ran out with nobody answering (at most <paramref name="limit"/>),
    /// and returns them so the learners can be told.
    /// </summary>
    public async Task<IReadOnlyList<(ExamAttempt Attempt, StoredExam Exam)>> ExpireDueAsync(DbSession s, int limit = 200)
    {
        ArgumentNullException.ThrowIfNull(s);
        var due = await AttemptsAsync(s, "a.finished_at IS NULL AND a.deadline <= @now ORDER BY a.deadline LIMIT @limit",
            new { now = time.GetUtcNow().ToUnixTimeMilliseconds(), limit = (long)limit });
        var finished = new List<(ExamAttempt, StoredExam)>();
        foreach (var attempt in due)
        {
            var exam = (await GetExamAsync(s, attempt.ExamId))!;
            finished.Add((await FinishAsync(s, attempt, exam), exam));
        }
        return finished;
    }

    /// <summary>A finished attempt's score and every question with the learner's answer.</summary>
    public async Task<ExamReview> ReviewAsync(DbSession s, ExamAttempt attempt, StoredExam exam)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(exam);
        var answers = (await s.QueryAsync<(long Position, string Response, double Score)>(
            "SELECT position, response, score FROM exam_answers WHERE attempt_id = @Id", new { attempt.Id })).ToDictionary(a => (int)a.Position);
        var items = new List<ReviewItem>();
        for (int i = 0; i < attempt.Questions.Count; i++)
        {
            var q = await QuestionAsync(s, attempt, i);
            items.Add(answers.TryGetValue(i, out var a) ? new ReviewItem(i, q, Response.Decode(a.Response), a.Score) : new ReviewItem(i, q, null, 0));
        }
        var used = await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM exam_attempts WHERE exam_id = @ExamId AND cohort_id = @CohortId AND learner_id = @LearnerId",
            new { attempt.ExamId, attempt.CohortId, attempt.LearnerId });
        return new ExamReview(exam, attempt, items, exam.Definition.AttemptsLeft((int)used));
    }

    // Whether an answer (or a tick) to this position may be taken now; a late one finishes the attempt.
    private async Task<ExamAnswerOutcome> CheckAsync(DbSession s, long attemptId, long learnerId, int position)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (await GetAsync(s, attemptId, learnerId) is not var (attempt, exam))
            return new ExamAnswerOutcome(await AttemptAccessAsync(s, attemptId, learnerId) == Access.Unknown ? ExamAnswerStatus.Unknown : ExamAnswerStatus.NotYours, null, null);
        if (attempt.Finished) return new ExamAnswerOutcome(ExamAnswerStatus.Closed, attempt, exam);
        if (time.GetUtcNow() >= attempt.Deadline) return new ExamAnswerOutcome(ExamAnswerStatus.Late, await FinishAsync(s, attempt, exam), exam);
        if (position != attempt.Position) return new ExamAnswerOutcome(ExamAnswerStatus.Stale, attempt, exam);
        return new ExamAnswerOutcome(ExamAnswerStatus.Next, attempt, exam);
    }

    // Finishes this learner's attempts at the exam that are out of time; returns the latest (there is
    // at most one in practice: a new attempt starts only after this), or null when none was due.
    private async Task<(ExamAttempt Attempt, StoredExam Exam)?> ExpireAsync(DbSession s, long examId, long cohortId, long learnerId)
    {
        (ExamAttempt, StoredExam)? last = null;
        foreach (var attempt in (await AttemptsAsync(s,
                     "a.exam_id = @examId AND a.cohort_id = @cohortId AND a.learner_id = @learnerId AND a.finished_at IS NULL AND a.deadline <= @now",
                     new { examId, cohortId, learnerId, now = time.GetUtcNow().ToUnixTimeMilliseconds() })).OrderBy(a => a.Number))
        {
            var exam = (await GetExamAsync(s, examId))!;
            last = (await FinishAsync(s, attempt, exam), exam);
        }
        return last;
    }

    // Scores what was answered (unanswered questions score 0), once: the condition on finished_at
    // lets only one of two racing finishers through. Credits the exam once per exam and gives the
    // completion rule its chance, in the same transaction. An exam without credit_minutes of its own
    // is worth what the pack's credit.exam rule says; a practice test without its own is worth
    // nothing, since practice never counts toward completion unless the pack says so for that test.
    private async Task<ExamAttempt> FinishAsync(DbSession s, ExamAttempt attempt, StoredExam exam)
    {
        var total = await s.ExecuteScalarAsync<double?>("SELECT SUM(score) FROM exam_answers WHERE attempt_id = @Id", new { attempt.Id }) ?? 0;
        var score = attempt.Questions.Count == 0 ? 0 : Math.Round(total / attempt.Questions.Count * 100, 1);
        var passed = score >= exam.Definition.PassMark;
        var now = time.GetUtcNow();
        var finishedAt = attempt.Deadline < now ? attempt.Deadline : now;
        var changed = await s.ExecuteAsync(
            "UPDATE exam_attempts SET finished_at = @at, score = @score, passed = @passed, ticked = '' WHERE id = @Id AND finished_at IS NULL",
            new { at = finishedAt.ToUnixTimeMilliseconds(), score, passed = passed ? 1L : 0L, attempt.Id });
        if (changed == 0) return (await AttemptsAsync(s, "a.id = @Id", new { attempt.Id })).Single();
        if (exam.Definition.Kind != ExamKind.Practice || exam.Definition.CreditMinutes is not null)
            await record.CreditAsync(s, attempt.CohortId, attempt.LearnerId, $"exam/{exam.Id}", "exam", 0, exam.Definition.CreditMinutes);
        await completion.CheckAsync(s, attempt.CohortId, attempt.LearnerId);
        return attempt with { FinishedAt = finishedAt, Score = score, Passed = passed, Ticked = [] };
    }

    /// <summary>The live exams of a course, in the order the pack lists them.</summary>
    public static async Task<IReadOnlyList<StoredExam>> ExamsOfCourseAsync(DbSession s, long courseId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<ExamRow>(
            "SELECT id AS Id, course_id AS CourseId, definition AS Definition FROM exams WHERE course_id = @courseId AND retired = 0 ORDER BY id",
            new { courseId });
        return rows.Select(r => r.ToExam()).ToList();
    }

    public static async Task<StoredExam?> GetExamAsync(DbSession s, long examId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var row = await s.QuerySingleOrDefaultAsync<ExamRow>(
            "SELECT id AS Id, course_id AS CourseId, definition AS Definition FROM exams WHERE id = @examId", new { examId });
        return row?.ToExam();
    }

    private sealed class ExamRow
    {
        public long Id { get; init; }
        public long CourseId { get; init; }
        public string Definition { get; init; } = "";

        public StoredExam ToExam() => new(Id, CourseId, StoredJson.Deserialize<ExamDefinition>(Definition));
    }

    private static async Task<IEnumerable<ExamAttempt>> AttemptsAsync(DbSession s, string where, object param) =>
        (await s.QueryAsync<AttemptRow>(
            $"""
            SELECT a.id AS Id, a.exam_id AS ExamId, a.cohort_id AS CohortId, a.learner_id AS LearnerId, a.number AS Number, a.seed AS Seed,
                   a.questions AS Questions, a.started_at AS StartedAt, a.deadline AS Deadline, a.position AS Position,
                   a.finished_at AS FinishedAt, a.score AS Score, a.passed AS Passed, a.ticked AS Ticked,
                   a.chat_channel AS ChatChannel, a.chat_id AS ChatId, a.language AS Language, a.asked_key AS AskedKey
            FROM exam_attempts a WHERE {where}
            """, param)).Select(r => r.ToAttempt());

    private sealed class AttemptRow
    {
        public long Id { get; init; }
        public long ExamId { get; init; }
        public long CohortId { get; init; }
        public long LearnerId { get; init; }
        public long Number { get; init; }
        public long Seed { get; init; }
        public string Questions { get; init; } = "";
        public long StartedAt { get; init; }
        public long Deadline { get; init; }
        public long Position { get; init; }
        public long? FinishedAt { get; init; }
        public double? Score { get; init; }
        public long? Passed { get; init; }
        public string Ticked { get; init; } = "";
        public string? ChatChannel { get; init; }
        public string? ChatId { get; init; }
        public string? Language { get; init; }
        public string? AskedKey { get; init; }

        public ExamAttempt ToAttempt() => new(Id, ExamId, CohortId, LearnerId, (int)Number, Seed,
            Questions.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(q => long.Parse(q, System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            DateTimeOffset.FromUnixTimeMilliseconds(StartedAt), DateTimeOffset.FromUnixTimeMilliseconds(Deadline), (int)Position,
            FinishedAt is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null, Score, Passed is { } p ? p == 1 : null,
            Ticked.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            ChatChannel is not null && ChatId is not null ? new ChatAddress(ChatChannel, ChatId) : null, Language, AskedKey);
    }
}
