using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Academy.Learning.Import;

/// <summary>
/// Checks a YAML text with the streaming parser before it is loaded into a node tree: the tree
/// loader recurses once per nesting level (a few thousand brackets overflow the stack and kill the
/// process), and aliases let a few lines stand for billions of values. No course pack or cohort
/// needs either, so both are refused with the line they start on.
/// </summary>
internal static class YamlLimits
{
    public const int MaxDepth = 64;

    /// <summary>True when the text may be loaded; otherwise the error is added. Syntax errors are left to the loader.</summary>
    public static bool Check(string text, ErrorSink errors)
    {
        var parser = new Parser(new StringReader(text));
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
        catch (YamlException)
        {
            // The loader reports the syntax error with its line and detail.
        }
        return true;
    }
}
