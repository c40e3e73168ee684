using Academy.Learning.Content;

namespace Academy.Learning.Storage;

/// <summary>
/// Small writes that arrive together share one transaction: while one commit is under way the next
/// writes gather, and the writer takes them all at once. Each caller still returns only once its own
/// write is committed. Where thousands of small outcomes an hour would otherwise each take SQLite's one
/// writer (and a transaction on PostgreSQL), the cost is one transaction per group. A group that fails
/// is written again one write at a time, so one bad write fails alone.
/// </summary>
public sealed class GroupWriter(AcademyDatabase database)
{
    private readonly Lock _lock = new();
    private List<(Func<DbSession, Task> Write, TaskCompletionSource Done)> _waiting = [];
    private bool _writing;

    /// <summary>Runs <paramref name="write"/> in a transaction shared with the writes waiting beside it; returns once committed.</summary>
    public Task WriteAsync(Func<DbSession, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_lock)
        {
            _waiting.Add((write, done));
            start = !_writing;
            _writing = true;
        }
        if (start) _ = Task.Run(DrainAsync, CancellationToken.None);
        return done.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<(Func<DbSession, Task> Write, TaskCompletionSource Done)> group;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }
                group = _waiting;
                _waiting = [];
            }
            try
            {
                await CommitAsync(group.Select(g => g.Write));
                foreach (var (_, done) in group) done.TrySetResult();
            }
            catch (Exception) when (group.Count > 1)
            {
                foreach (var (write, done) in group)
                {
                    try
                    {
                        await CommitAsync([write]);
                        done.TrySetResult();
                    }
                    catch (Exception ex)
                    {
                        done.TrySetException(ex);
                    }
                }
            }
            catch (Exception ex)
            {
                group[0].Done.TrySetException(ex);
            }
        }
    }

    private async Task CommitAsync(IEnumerable<Func<DbSession, Task>> writes)
    {
        await using var s = await database.BeginAsync(CancellationToken.None);
        foreach (var write in writes) await write(s);
        await s.CommitAsync(CancellationToken.None);
    }
}
