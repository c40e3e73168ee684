using Academy.Learning.Credit;
using Academy.Learning.Surveys;

namespace Academy.Learning.Exams;

/// <summary>Where a new attempt's seed comes from: random, so each learner's draw is independent (tests pin it).</summary>
public class ExamSeeds
{
    public virtual long Next() => Random.Shared.NextInt64();
}
