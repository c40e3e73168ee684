using Academy.Learning.Model;
using Academy.Learning.Credit;
using Academy.Learning.Surveys;

namespace Academy.Learning.Exams;

/// <summary>
/// The questions of one attempt, as a pure function of the definition, the bank and a seed: the
/// stored seed reconstructs the attempt exactly. Each rule draws uniformly without replacement from
/// its pool (a partial Fisher–Yates shuffle), and the whole draw is then shuffled so rules interleave.
/// The generator is SplitMix64, written out here so no runtime upgrade can change a stored draw.
/// </summary>
public static class ExamDraw
{
    public static IReadOnlyList<string> Draw(ExamDefinition exam, IReadOnlyList<Question> bank, long seed)
    {
        ArgumentNullException.ThrowIfNull(exam);
        ArgumentNullException.ThrowIfNull(bank);
        var random = new SplitMix64(seed);
        var drawn = new List<string>(exam.QuestionCount);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in exam.Draw)
        {
            // Pools are disjoint by import; excluding what is taken keeps the no-repeat promise even for a hand-built definition.
            var pool = rule.Pool(bank).Where(id => !taken.Contains(id)).ToArray();
            if (pool.Length < rule.Count)
                throw new InvalidOperationException($"Exam {exam.Code}: a rule asks {rule.Count} questions of a pool of {pool.Length}.");
            PartialShuffle(pool, rule.Count, random);
            foreach (var id in pool.Take(rule.Count)) { drawn.Add(id); taken.Add(id); }
        }
        var order = drawn.ToArray();
        PartialShuffle(order, order.Length, random);
        return order;
    }

    // After it, items[0..count) are a uniform sample without replacement, in uniform order.
    private static void PartialShuffle<T>(T[] items, int count, SplitMix64 random)
    {
        for (int i = 0; i < count; i++)
        {
            int j = i + random.Below(items.Length - i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private sealed class SplitMix64(long seed)
    {
        private ulong _state = unchecked((ulong)seed);

        private ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        // Rejection sampling: a plain modulo would favour small values.
        public int Below(int bound)
        {
            var n = (ulong)bound;
            var limit = ulong.MaxValue - ulong.MaxValue % n;
            ulong v;
            do v = Next(); while (v >= limit);
            return (int)(v % n);
        }
    }
}
