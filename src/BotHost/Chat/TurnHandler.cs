using Academy.BotHost.Channels;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Chat;

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
    /// For a handler that matches broadly (any private text): whether this turn is its business, so
    /// that otherwise the next matching handler gets it. Called before the scope and role checks.
    /// </summary>
    public virtual Task<bool> WantsAsync(TurnContext turn) => Task.FromResult(true);

    public abstract Task HandleAsync(TurnContext turn);
}

/// <summary>
/// A handler that takes many turns at once, in order, each with the outcome it would have alone: a
/// quiz answer is a few set-wise statements for a whole batch of updates rather than a dozen each.
/// Its turns must change nothing that decides another turn's who, where, role or language (answers,
/// points and replies only), and it must want every turn it matches (no <see cref="TurnHandler.WantsAsync"/>).
/// </summary>
public interface IBatchTurnHandler
{
    Task HandleManyAsync(IReadOnlyList<TurnContext> turns);
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
    /// <summary>The data prefix of its buttons, before the first ':'.</summary>
    public string DataPrefix { get; } = prefix;

    public override bool Matches(ChatEvent e) =>
        e.Kind == ChatEventKind.Button && e.ButtonData is { } data && data.StartsWith(DataPrefix + ":", StringComparison.Ordinal);

    /// <summary>The colon-separated fields after the prefix.</summary>
    protected static string[] Fields(TurnContext turn) => turn.Event.ButtonData!.Split(':')[1..];

    protected static long? LongField(TurnContext turn, int index) =>
        Fields(turn) is { } f && f.Length > index && long.TryParse(f[index], System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
}

/// <summary>A handler for one kind of event that is not a command or button.</summary>
public abstract class ChatEventHandler(ChatEventKind kind) : TurnHandler
{
    /// <summary>The kind of event it takes.</summary>
    public ChatEventKind EventKind { get; } = kind;

    public override bool Matches(ChatEvent e) => e.Kind == EventKind;
}
