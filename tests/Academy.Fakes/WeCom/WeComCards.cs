using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Academy.Fakes.WeCom;

/// <summary>
/// The template-card rules WeCom checks on a send (path/90236 for apps; the same schema in the robot
/// SDK's typings): card types, task_id form, and the list bounds of each interactive card.
/// </summary>
public static partial class WeComCards
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
        { "text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction" };

    /// <summary>Cards whose presses call back (and whose send returns a response_code).</summary>
    public static readonly IReadOnlySet<string> Interactive = new HashSet<string>(StringComparer.Ordinal)
        { "button_interaction", "vote_interaction", "multiple_interaction" };

    /// <summary>Why WeCom would refuse <paramref name="card"/>, naming the field; null when it is acceptable.</summary>
    /// <param name="app">The self-built app's stricter notice rules (text_notice needs card_action).</param>
    public static string? Problem(JsonObject? card, bool app)
    {
        if (card is null) return "template_card is missing";
        var type = Text(card, "card_type");
        if (type is null || !Types.Contains(type)) return $"template_card.card_type '{type}' is not one of {string.Join(", ", Types)}";
        var taskId = Text(card, "task_id");
        var needsTask = Interactive.Contains(type) || card["action_menu"] is not null;
        if (needsTask && string.IsNullOrEmpty(taskId)) return "template_card.task_id is required for this card";
        if (taskId is not null && (Encoding.UTF8.GetByteCount(taskId) > 128 || !TaskIdPattern().IsMatch(taskId)))
            return "template_card.task_id must be 1-128 bytes of digits, letters and _-@";
        switch (type)
        {
            case "text_notice":
                if (card["main_title"]?["title"] is null && Text(card, "sub_title_text") is null) return "text_notice needs main_title.title or sub_title_text";
                if (app && card["card_action"] is null) return "text_notice needs card_action";
                break;
            case "news_notice":
                if (card["card_image"] is null && card["image_text_area"] is null) return "news_notice needs card_image or image_text_area";
                if (card["card_action"] is null) return "news_notice needs card_action";
                break;
            case "button_interaction":
                if (card["button_list"] is not JsonArray buttons || buttons.Count is 0 or > 6) return "button_list must hold 1-6 buttons";
                if (buttons.Any(b => string.IsNullOrEmpty(Text(b, "text")))) return "button_list.text is required";
                if (buttons.Any(b => Text(b, "type") != "1" && string.IsNullOrEmpty(Text(b, "key")))) return "button_list.key is required";
                if (KeysTooLongOrRepeated(buttons.Select(b => Text(b, "key")).OfType<string>())) return "button_list.key must be unique and at most 1024 bytes";
                if (card["button_selection"] is JsonObject selection && SelectionProblem(selection, "button_selection") is { } selectionProblem) return selectionProblem;
                break;
            case "vote_interaction":
                if (card["checkbox"] is not JsonObject checkbox) return "vote_interaction needs checkbox";
                if (string.IsNullOrEmpty(Text(checkbox, "question_key"))) return "checkbox.question_key is required";
                if (checkbox["option_list"] is not JsonArray options || options.Count is 0 or > 20) return "checkbox.option_list must hold 1-20 options";
                if (OptionsProblem(options, "checkbox") is { } optionProblem) return optionProblem;
                if (Text(checkbox, "mode") is { } mode && mode is not ("0" or "1")) return "checkbox.mode is 0 (single) or 1 (multiple)";
                if (SubmitProblem(card) is { } submitProblem) return submitProblem;
                break;
            case "multiple_interaction":
                if (card["select_list"] is not JsonArray selects || selects.Count is 0 or > 3) return "select_list must hold 1-3 selectors";
                foreach (var select in selects.OfType<JsonObject>())
                    if (SelectionProblem(select, "select_list") is { } problem) return problem;
                if (SubmitProblem(card) is { } submit) return submit;
                break;
        }
        return null;
    }

    /// <summary>The keys a press of this card can report as event_key (buttons, submit, menu actions).</summary>
    public static IReadOnlySet<string> EventKeys(JsonObject card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in card["button_list"] as JsonArray ?? []) if (Text(b, "key") is { } key) keys.Add(key);
        if (card["submit_button"] is JsonObject submit && Text(submit, "key") is { } submitKey) keys.Add(submitKey);
        foreach (var a in card["action_menu"]?["action_list"] as JsonArray ?? []) if (Text(a, "key") is { } key) keys.Add(key);
        return keys;
    }

    /// <summary>Each question of the card (checkbox, selectors, button_selection) with its option ids and whether it allows several.</summary>
    public static IReadOnlyDictionary<string, (IReadOnlySet<string> Options, bool Multiple)> Questions(JsonObject card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var questions = new Dictionary<string, (IReadOnlySet<string>, bool)>(StringComparer.Ordinal);
        void Add(JsonNode? node, bool multiple)
        {
            if (node is JsonObject q && Text(q, "question_key") is { } key)
                questions[key] = (((q["option_list"] as JsonArray) ?? []).Select(o => Text(o, "id")).OfType<string>().ToHashSet(StringComparer.Ordinal), multiple);
        }
        Add(card["checkbox"], Text(card["checkbox"], "mode") == "1");
        Add(card["button_selection"], false);
        foreach (var select in card["select_list"] as JsonArray ?? []) Add(select, false);
        return questions;
    }

    internal static string? Text(JsonNode? node, string name) => node?[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    private static string? SelectionProblem(JsonObject selection, string field)
    {
        if (string.IsNullOrEmpty(Text(selection, "question_key"))) return field + ".question_key is required";
        if (selection["option_list"] is not JsonArray options || options.Count is 0 or > 10) return field + ".option_list must hold 1-10 options";
        return OptionsProblem(options, field);
    }

    private static string? OptionsProblem(JsonArray options, string field)
    {
        var ids = options.Select(o => Text(o, "id")).ToList();
        if (ids.Any(string.IsNullOrEmpty)) return field + ".option_list.id is required";
        if (ids.Any(id => Encoding.UTF8.GetByteCount(id!) > 128) || ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
            return field + ".option_list.id must be unique and at most 128 bytes";
        return options.Any(o => string.IsNullOrEmpty(Text(o, "text"))) ? field + ".option_list.text is required" : null;
    }

    private static string? SubmitProblem(JsonObject card) =>
        card["submit_button"] is JsonObject submit && !string.IsNullOrEmpty(Text(submit, "text")) && !string.IsNullOrEmpty(Text(submit, "key"))
            ? null
            : "submit_button with text and key is required";

    private static bool KeysTooLongOrRepeated(IEnumerable<string> keys)
    {
        var list = keys.ToList();
        return list.Any(k => Encoding.UTF8.GetByteCount(k) > 1024) || list.Distinct(StringComparer.Ordinal).Count() != list.Count;
    }

    [GeneratedRegex("^[0-9A-Za-z_@-]{1,128}$")]
    private static partial Regex TaskIdPattern();
}
