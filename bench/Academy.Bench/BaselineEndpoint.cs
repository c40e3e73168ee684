using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Academy.Learning.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Academy.Learning.Content;

namespace Academy.Bench;

/// <summary>
/// The baseline of <c>ingest</c>: the least a webhook must do — read the body and commit it
/// durably before answering 200, requests that arrive together sharing one commit (multi-row
/// insert, same durability as the inbox: <see cref="AcademyDatabase.BeginDurableAsync"/>). No
/// secret check, no parsing, no processing.
/// </summary>
public static class BaselineEndpoint
{
    public static async Task<(Microsoft.AspNetCore.Builder.WebApplication App, Uri Url)> StartAsync(AcademyDatabase db)
    {
        await using (var s = await db.BeginAsync())
        {
            await s.ExecuteAsync("CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)");
            await s.CommitAsync();
        }
        var queue = Channel.CreateUnbounded<(string Body, TaskCompletionSource Done)>(new UnboundedChannelOptions { SingleReader = true });
        _ = Task.Run(() => WriteAsync(db, queue.Reader));
        var (app, address) = await LoopbackServer.StartAsync(app => app.MapPost("/raw", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await queue.Writer.WriteAsync((body, done));
            await done.Task;
            return Results.Ok();
        }));
        return (app, new Uri(address, "raw"));
    }

    private static async Task WriteAsync(AcademyDatabase db, ChannelReader<(string Body, TaskCompletionSource Done)> reader)
    {
        var batch = new List<(string Body, TaskCompletionSource Done)>();
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < 500 && reader.TryRead(out var item)) batch.Add(item);
            try
            {
                var sql = new StringBuilder("INSERT INTO bench_raw (id, body) VALUES ");
                var args = new Dapper.DynamicParameters();
                for (int i = 0; i < batch.Count; i++)
                {
                    sql.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"(@i{i}, @b{i})");
                    args.Add($"i{i}", Guid.NewGuid().ToString("N"));
                    args.Add($"b{i}", batch[i].Body);
                }
                sql.Append(" ON CONFLICT (id) DO NOTHING");
                await using var s = await db.BeginDurableAsync();
                await s.ExecuteAsync(sql.ToString(), args);
                await s.CommitAsync();
                foreach (var (_, done) in batch) done.TrySetResult();
            }
            catch (Exception ex)
            {
                foreach (var (_, done) in batch) done.TrySetException(ex);
            }
            batch.Clear();
        }
    }
}
