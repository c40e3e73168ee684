using Academy.BotHost.Channels;
using Academy.Learning.Model;

namespace Academy.BotHost.Pipeline;

/// <summary>Where a handler may be used.</summary>
public enum ChatScope { Private, Group, Any }

/// <summary>
/// One command, button or event kind. The pipeline checks scope, registration and role before
/// calling <see cref="HandleAsync"/>, so a handler only does its own job.
/// </summary>
public abstract class TurnHandler
{
    /// <summary>The least role allowed to use it.</summary>
    public virtual Role RequiredRole => Role.Learner;

    /// <summary>Whether the sender must be a roster learner linked to this channel account.</summary>
    public virtual bool RequiresRegistration => true;

    public virtual ChatScope Scope => ChatScope.Any;

    /// <summary>The command it answers (for /help and the command menus), or null.</summary>
    public virtual string? Command => null;

    public abstract bool Matches(ChatEvent e);

    /// <summary>
    /// Whether it takes a matching turn, once the sender is known: a typed private message can be
    /// the answer several flows wait for, and the first one actually waiting takes it.
    /// </summary>
    public virtual Task<bool> ClaimsAsync(TurnContext turn) => Task.FromResult(true);

    public abstract Task HandleAsync(TurnContext turn);
}

/// <summary>A handler for one /command.</summary>
public abstract class CommandHandler(string command) : TurnHandler
{
    public override string? Command => command;

    public override bool Matches(ChatEvent e) => e.Kind == ChatEventKind.Command && e.Command == command;
}

/// <summary>A handler for buttons whose data starts with "<c>prefix:</c>".</summary>
public abstract class ButtonHandler(string prefix) : TurnHandler
{
    public override bool Matches(ChatEvent e) =>
        e.Kind == ChatEventKind.Button && e.ButtonData is { } data && data.StartsWith(prefix + ":", StringComparison.Ordinal);

    /// <summary>The colon-separated fields after the prefix.</summary>
    protected static string[] Fields(TurnContext turn) => turn.Event.ButtonData!.Split(':')[1..];

    protected static long? LongField(TurnContext turn, int index) =>
        Fields(turn) is { } f && f.Length > index && long.TryParse(f[index], System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
}

/// <summary>A handler for one kind of event that is not a command or button.</summary>
public abstract class EventHandler(ChatEventKind kind) : TurnHandler
{
    public override bool Matches(ChatEvent e) => e.Kind == kind;
}
