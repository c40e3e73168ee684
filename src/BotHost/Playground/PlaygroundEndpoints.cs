using System.Text.Json;
using Academy.BotHost.Pipeline;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.BotHost.Playground;

/// <summary>Configuration section <c>Playground</c>.</summary>
public sealed class PlaygroundOptions
{
    public const string Section = "Playground";

    /// <summary>Serve the playground. Default: on when the host listens on loopback only.</summary>
    public bool? Enabled { get; set; }

    /// <summary>On first start with an empty store, import the sample course, cohort and roster.</summary>
    public bool SeedSample { get; set; } = true;
}

/// <summary>
/// The browser playground: a page at <c>/</c> where one person acts as several roster personas in
/// simulated private and group chats, driving the same inbox, pipeline and outbox as Telegram.
/// </summary>
public static class PlaygroundEndpoints
{
    private const string GuestId = "guest";
    private const string GuestPhone = "+10000000000";

    public static WebApplication MapPlayground(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", () => Results.Content(Page.Value, "text/html; charset=utf-8"));
        var api = app.MapGroup("/playground/api");
        api.MapGet("/strings", (string? lang, Catalog catalog) =>
        {
            var text = catalog.For(lang);
            return TypedResults.Ok(catalog.Keys(Languages.English).Where(k => k.StartsWith("playground.", StringComparison.Ordinal))
                .ToDictionary(k => k["playground.".Length..], k => text[k]));
        });
        api.MapGet("/state", GetStateAsync);
        api.MapGet("/messages", GetMessagesAsync);
        api.MapPost("/send", SendAsync);
        return app;
    }

    private sealed record Persona(string Id, string Name, string Phone, string Role, string? Group);

    private sealed record ChatInfo(string Id, string Title, bool Group);

    private static async Task<IResult> GetStateAsync(AcademyDatabase database, CancellationToken ct)
    {
        await using var s = await database.BeginReadAsync(ct);
        return TypedResults.Ok(new { personas = await PersonasAsync(s), chats = await GroupChatsAsync(s) });
    }

    private static async Task<List<Persona>> PersonasAsync(DbSession s)
    {
        var rows = await s.QueryAsync<PersonaRow>(
            """
            SELECT l.id AS Id, l.name AS Name, l.phone AS Phone, e.role AS Role, g.code AS GroupCode
            FROM learners l JOIN enrollments e ON e.learner_id = l.id LEFT JOIN study_groups g ON g.id = e.group_id
            ORDER BY CASE e.role WHEN 'admin' THEN 0 WHEN 'liaison' THEN 1 ELSE 2 END, g.code, l.id LIMIT 60
            """);
        var personas = rows.GroupBy(r => r.Id)
            .Select(g => g.First())
            .Select(r => new Persona($"p{r.Id}", r.Name, r.Phone, r.Role, r.GroupCode))
            .ToList();
        personas.Add(new Persona(GuestId, "Guest", GuestPhone, "guest", null));
        return personas;
    }

    private static async Task<List<ChatInfo>> GroupChatsAsync(DbSession s)
    {
        var rows = await s.QueryAsync<(string ChatId, string Code, string Name)>(
            """
            SELECT gc.chat_id, g.code, g.name FROM group_chats gc JOIN study_groups g ON g.id = gc.group_id
            WHERE gc.channel = 'playground' AND gc.active = 1 ORDER BY g.code
            """);
        return rows.Select(r => new ChatInfo(r.ChatId, $"{r.Code} · {StoredText.In(r.Name, Languages.English)}", true)).ToList();
    }

    /// <summary>Messages after id <paramref name="after"/>, and those edited after <paramref name="editedAfter"/> (shown again, in place).</summary>
    private static async Task<IResult> GetMessagesAsync(string chat, long? after, long? editedAfter, AcademyDatabase database, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(chat) || chat.Length > 100) return TypedResults.BadRequest(new { error = "chat is required" });
        await using var s = await database.BeginReadAsync(ct);
        var rows = await s.QueryAsync<(long Id, string Sender, string Payload, long At, long? EditedAt)>(
            """
            SELECT id, sender, payload, at, edited_at FROM playground_messages
            WHERE chat_id = @chat AND (id > @after OR edited_at > @editedAfter) ORDER BY id LIMIT 500
            """,
            new { chat, after = after ?? 0, editedAfter = editedAfter ?? long.MaxValue });
        return TypedResults.Ok(rows.Select(r => new
        {
            id = r.Id, sender = r.Sender, at = r.At, editedAt = r.EditedAt,
            message = JsonSerializer.Deserialize<PlaygroundMessage>(r.Payload, PlaygroundUpdate.Json),
        }));
    }

    /// <summary>What the page posts.</summary>
    public sealed record SendRequest(string? PersonaId, string? ChatId, string? Text, string? Button, bool ShareContact, long? MessageId = null);

    private static async Task<IResult> SendAsync(SendRequest request, AcademyDatabase database, InboxProcessor processor,
        TimeProvider time, Operations.AcademyMetrics metrics, CancellationToken ct)
    {
        if (request.PersonaId is null || request.ChatId is null || request.ChatId.Length > 100)
            return TypedResults.BadRequest(new { error = "personaId and chatId are required" });
        if (request.Text is null && request.Button is null && !request.ShareContact)
            return TypedResults.BadRequest(new { error = "text, button or shareContact is required" });
        if (request.Text is { Length: > 4096 } || request.Button is { Length: > 64 })
            return TypedResults.BadRequest(new { error = "text is limited to 4096 characters, button data to 64" });

        await using var s = await database.BeginAsync(ct);
        var persona = (await PersonasAsync(s)).FirstOrDefault(p => p.Id == request.PersonaId);
        if (persona is null) return TypedResults.BadRequest(new { error = "unknown persona" });
        var isGroup = request.ChatId.StartsWith(PlaygroundChannel.GroupPrefix, StringComparison.Ordinal);
        if (!isGroup && request.ChatId != PlaygroundChannel.PrivateChatOf(persona.Id))
            return TypedResults.BadRequest(new { error = "a persona can only write in its own private chat" });

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var update = new PlaygroundUpdate
        {
            UpdateId = Guid.NewGuid().ToString("N"),
            PersonaId = persona.Id, PersonaName = persona.Name, ChatId = request.ChatId,
            Text = request.Text, Button = request.Button, MessageId = request.Button is null ? null : request.MessageId,
            ShareContact = request.ShareContact,
            Phone = request.ShareContact ? persona.Phone : null, SentAt = now,
        };
        // What the person did shows in the transcript; button presses are not messages.
        if (request.Button is null)
        {
            var shown = new PlaygroundMessage { Text = request.ShareContact ? "📱 " + persona.Phone : request.Text };
            await s.ExecuteAsync("INSERT INTO playground_messages (chat_id, sender, payload, at) VALUES (@ChatId, @sender, @payload, @now)",
                new { request.ChatId, sender = persona.Name, payload = JsonSerializer.Serialize(shown, PlaygroundUpdate.Json), now });
        }
        await s.ExecuteAsync(
            "INSERT INTO inbox (channel, update_id, received_at, payload, status, attempts) VALUES ('playground', @UpdateId, @now, @payload, 'pending', 0)",
            new { update.UpdateId, now, payload = JsonSerializer.Serialize(update, PlaygroundUpdate.Json) });
        await s.CommitAsync(ct);
        metrics.UpdatesReceived(PlaygroundChannel.Name);
        processor.Signal();
        return TypedResults.Accepted((string?)null, new { updateId = update.UpdateId });
    }

    private sealed class PersonaRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string Phone { get; init; } = "";
        public string Role { get; init; } = "";
        public string? GroupCode { get; init; }
    }

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(PlaygroundEndpoints).Assembly.GetManifestResourceStream("Academy.Playground.index.html")
            ?? throw new InvalidOperationException("The playground page is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
