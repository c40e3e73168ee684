using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Learning;

public class StreakTests
{
    [Theory]
    [InlineData(new int[0], 5, 0, 0)]
    [InlineData(new[] { 1, 2, 3, 4, 5 }, 5, 5, 5)]
    [InlineData(new[] { 1, 2, 3, 4 }, 5, 4, 4)]        // today not yet checked in: the streak still stands
    [InlineData(new[] { 1, 2, 3 }, 5, 0, 3)]           // missed day 4: broken
    [InlineData(new[] { 1, 2, 4, 5, 6 }, 6, 3, 3)]
    [InlineData(new[] { 1, 2, 3, 4, 6 }, 6, 1, 4)]
    public void Current_and_best_streaks(int[] days, int today, int current, int best) =>
        Assert.Equal((current, best), Streaks.Compute(days, today));
}
