using System.Text.Json;

namespace Academy.Fakes.Platform;

public sealed record ApiFile(string Field, string FileName, string? ContentType, byte[] Content);

/// <summary>
/// One HTTP call a platform fake received: the method (path after <c>cgi-bin/</c>), its query, its body
/// as sent, uploaded files, and the answer it got (HTTP status and the platform's errcode; 0 = success,
/// -1 when cut or never answered).
/// </summary>
public sealed record ApiCall(string Method, IReadOnlyDictionary<string, string> Query, string Body,
    IReadOnlyList<ApiFile> Files, int Status, int Errcode, DateTimeOffset At)
{
    /// <summary>The JSON body, for calls that sent one.</summary>
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    public string? QueryValue(string name) => Query.GetValueOrDefault(name);
}
