using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Academy.Learning.Import;

/// <summary>
/// Checks a YAML text with the streaming parser before it is loaded into a node tree: the tree
/// loader recurses once per nesting level (a few thousand brackets overflow the stack and kill the
/// process), and aliases let a few lines stand for billions of values. No course pack or cohort
/// needs either, so both are refused with the line they start on. It also reports syntax errors,
/// including the ones YamlDotNet's scanner signals with exceptions other than <see cref="YamlException"/>
/// (an unclosed flow mapping at the end of the text throws InvalidOperationException): every one
/// becomes <c>file:line: message</c> instead of ending the process.
/// </summary>
internal static class YamlLimits
{
    public const int MaxDepth = 64;

    /// <summary>True when the text may be loaded; otherwise the error is added.</summary>
    public static bool Check(string text, ErrorSink errors)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        int depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias:
                        errors.Add((int)alias.Start.Line, "", "import.error.yaml_alias");
                        return false;
                    case MappingStart or SequenceStart when ++depth > MaxDepth:
                        errors.Add((int)parser.Current.Start.Line, "", "import.error.yaml_too_deep", ("max", MaxDepth));
                        return false;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            errors.Add((int)ex.Start.Line, "", "import.error.yaml_syntax", ("detail", ex.InnerException?.Message ?? ex.Message));
            return false;
        }
        // Any other exception is the scanner failing on malformed text, not a fault of ours.
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            errors.Add(Math.Max(1, (int)scanner.CurrentPosition.Line), "", "import.error.yaml_unreadable");
            return false;
        }
        return true;
    }
}
