namespace Academy.Learning.Assessment;

/// <summary>Where a new attempt's seed comes from: random, so each learner's draw is independent (tests pin it).</summary>
public class ExamSeeds
{
    public virtual long Next() => Random.Shared.NextInt64();
}
