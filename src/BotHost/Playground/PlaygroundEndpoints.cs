using System.Text.Json;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Playground;

/// <summary>Configuration section <c>Playground</c>.</summary>
public sealed class PlaygroundOptions
{
    public const string Section = "Playground";

    /// <summary>Serve the playground. Default: on with no real chat channel and every listening address on loopback (see <see cref="PlaygroundSwitch"/>).</summary>
    public bool? Enabled { get; set; }

    /// <summary>On first start with an empty store, import the sample course, cohort and roster.</summary>
    public bool SeedSample { get; set; } = true;

    /// <summary>
    /// The seeded sample cohort starts on the day of the first start (or the next date its calendar
    /// counts), so a newcomer finds day 1 and the pre-test open; false keeps the file's start date.
    /// </summary>
    public bool SampleStartsToday { get; set; } = true;
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
        var playground = app.MapGroup("").AddEndpointFilter(PlaygroundSwitch.LoopbackOnlyAsync);
        playground.MapGet("/", () => Results.Content(Page.Value, "text/html; charset=utf-8"));
        var api = playground.MapGroup("/playground/api");
        api.MapGet("/strings", (string? lang, Catalog catalog) =>
        {
            var text = catalog.For(lang);
            return TypedResults.Ok(catalog.Keys(Languages.English).Where(k => k.StartsWith("playground.", StringComparison.Ordinal))
                .ToDictionary(k => k["playground.".Length..], k => text[k]));
        });
        api.MapGet("/state", GetStateAsync);
        api.MapGet("/messages", GetMessagesAsync);
        api.MapGet("/files/{id:long}", GetFileAsync);
        api.MapPost("/send", SendAsync);
        return app;
    }

    private sealed record Persona(string Id, string Name, string Phone, string Role, string? Group);

    private sealed record ChatInfo(string Id, string Title, bool Group);

    /// <summary>The personas and group chats, with roles and group names in the page's language <paramref name="lang"/>.</summary>
    private static async Task<IResult> GetStateAsync(string? lang, AcademyDatabase database, Catalog catalog, CancellationToken ct)
    {
        var text = catalog.For(lang);
        await using var s = await database.BeginReadAsync(ct);
        var personas = (await PersonasAsync(s)).Select(p => new
        {
            p.Id, p.Name, Phone = Masked(p.Phone), p.Role, p.Group,
            Label = p.Id == GuestId ? text["playground.guest"] : p.Name,
            RoleName = p.Role is "admin" or "liaison" or "learner" ? text["role." + p.Role] : text["playground.role_guest"],
        });
        // The roster's numbers stay on the server: the contact share fills them in there.
        return TypedResults.Ok(new { personas, chats = await GroupChatsAsync(s, text.Language) });
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

    /// <summary>A phone number as the page may see it: every digit but the last three hidden.</summary>
    public static string Masked(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var digits = phone.Count(char.IsAsciiDigit);
        var seen = 0;
        return string.Concat(phone.Select(c => char.IsAsciiDigit(c) && ++seen <= digits - 3 ? '*' : c));
    }

    private static async Task<List<ChatInfo>> GroupChatsAsync(DbSession s, string language)
    {
        var rows = await s.QueryAsync<(string ChatId, string Code, string Name)>(
            """
            SELECT gc.chat_id, g.code, g.name FROM group_chats gc JOIN study_groups g ON g.id = gc.group_id
            WHERE gc.channel = 'playground' AND gc.active = 1 ORDER BY g.code
            """);
        return rows.Select(r => new ChatInfo(r.ChatId, $"{r.Code} · {StoredText.In(r.Name, language)}", true)).ToList();
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
            message = Shown(r.Id, JsonSerializer.Deserialize<PlaygroundMessage>(r.Payload, PlaygroundUpdate.Json)!),
        }));
    }

    /// <summary>A message as the page gets it: the bytes of its file replaced by the file's address (a picture also inline).</summary>
    private static PlaygroundMessage Shown(long id, PlaygroundMessage message)
    {
        if (message.FileData is null) return message;
        var file = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/playground/api/files/{id}");
        var (type, picture, _) = PlaygroundClient.TypeOf(message.Attachment);
        // A browser shows SVG as it is, so charts need no rasterising here.
        var image = message.Image ?? (picture ? $"data:{type};base64,{message.FileData}" : null);
        return message with { FileData = null, File = file, Image = image };
    }

    /// <summary>
    /// A message's file, by the transcript row it is in: opened in the browser (PDF, pictures) or saved
    /// (xlsx, CSV, or any with <c>download=true</c>). Served in a sandbox: an SVG opened in a tab runs no script.
    /// </summary>
    private static async Task<IResult> GetFileAsync(long id, bool? download, HttpContext http, AcademyDatabase database, CancellationToken ct)
    {
        string? payload;
        await using (var s = await database.BeginReadAsync(ct))
            payload = await s.QuerySingleOrDefaultAsync<string?>("SELECT payload FROM playground_messages WHERE id = @id", new { id });
        if (payload is null || JsonSerializer.Deserialize<PlaygroundMessage>(payload, PlaygroundUpdate.Json) is not { FileData: { } data } message)
            return TypedResults.NotFound();
        var name = string.IsNullOrWhiteSpace(message.Attachment) ? "file" : Path.GetFileName(message.Attachment);
        var (type, _, inline) = PlaygroundClient.TypeOf(name);
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox";
        headers.XContentTypeOptions = "nosniff";
        var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue(inline && download != true ? "inline" : "attachment");
        disposition.SetHttpFileName(name);
        headers.ContentDisposition = disposition.ToString();
        return Results.Bytes(Convert.FromBase64String(data), type);
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
            var shown = new PlaygroundMessage { Text = request.ShareContact ? "📱 " + Masked(persona.Phone) : request.Text };
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
