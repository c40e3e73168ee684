using Academy.Learning.Model;

namespace Academy.Learning.Import;

/// <summary>One row of a roster, checked on its own; cohort and group codes are checked against the store later.</summary>
public sealed record RosterEntry(int Line, string Cohort, string? Group, string Name, string Phone, Role Role, string? Language, string? Email);

/// <summary>
/// Reads a roster CSV (docs/content-format.md). Rows with errors are reported and left out; the
/// valid rows are returned so their cohort and group codes can still be checked.
/// </summary>
internal static class RosterParser
{
    private static readonly string[] Columns = ["cohort", "group", "name", "phone", "role", "language", "email"];
    private static readonly string[] RequiredColumns = ["cohort", "name", "phone"];

    public static List<RosterEntry>? Parse(string text, ErrorSink errors)
    {
        int errorsBefore = errors.Errors.Count;
        var records = CsvReader.Read(text, errors);
        if (records.Count == 0)
        {
            errors.Add(1, "", "import.error.empty_file");
            return null;
        }
        var (headerLine, header) = records[0];
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            if (!Columns.Contains(name, StringComparer.OrdinalIgnoreCase))
                errors.Add(headerLine, name, "import.error.unknown_column", ("allowed", string.Join(", ", Columns)));
            else if (!index.TryAdd(name, i))
                errors.Add(headerLine, name, "import.error.duplicate", ("value", name), ("line", headerLine));
        }
        foreach (var col in RequiredColumns.Where(c => !index.ContainsKey(c)))
            errors.Add(headerLine, col, "import.error.missing_column", ("value", col));
        if (errors.Errors.Count > errorsBefore) return null;
        if (records.Count == 1) { errors.Add(headerLine, "", "import.error.empty_file"); return null; }

        var entries = new List<RosterEntry>();
        var phoneLines = new Dictionary<string, int>();
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count != header.Count)
            {
                errors.Add(line, "", "import.error.column_count", ("count", fields.Count), ("expected", header.Count));
                continue;
            }
            string? Get(string column) =>
                index.TryGetValue(column, out var i) && fields[i].Trim() is { Length: > 0 } v ? v : null;

            bool ok = true;
            var cohort = Get("cohort");
            if (cohort is null) { errors.Add(line, "cohort", "import.error.required"); ok = false; }
            var name = Get("name");
            if (name is null) { errors.Add(line, "name", "import.error.required"); ok = false; }
            else if (name.Length > 200) { errors.Add(line, "name", "import.error.too_long", ("max", 200)); ok = false; }

            var rawPhone = Get("phone");
            string? phone = null;
            if (rawPhone is null) { errors.Add(line, "phone", "import.error.required"); ok = false; }
            else if (!PhoneNumber.TryNormalize(rawPhone, out phone))
            {
                errors.Add(line, "phone", "import.error.bad_phone", ("value", rawPhone));
                ok = false;
            }
            else if (phoneLines.TryGetValue(phone, out var firstLine))
            {
                errors.Add(line, "phone", "import.error.duplicate_phone", ("value", phone), ("line", firstLine));
                ok = false;
            }
            else phoneLines[phone] = line;

            var role = Role.Learner;
            if (Get("role") is { } rawRole)
            {
                if (!Enum.TryParse(rawRole, ignoreCase: true, out role) || !Enum.IsDefined(role))
                {
                    errors.Add(line, "role", "import.error.bad_enum", ("value", rawRole), ("allowed", "learner, liaison, admin"));
                    ok = false;
                }
            }
            var group = Get("group");
            if (group is null && role != Role.Admin)
            {
                errors.Add(line, "group", "import.error.group_required", ("role", role.ToString().ToLowerInvariant()));
                ok = false;
            }
            string? language = null;
            if (Get("language") is { } rawLanguage && (language = Languages.Normalize(rawLanguage)) is null)
            {
                errors.Add(line, "language", "import.error.unknown_language", ("value", rawLanguage));
                ok = false;
            }
            var email = Get("email");
            if (email is not null && (!email.Contains('@', StringComparison.Ordinal) || email.Length > 254))
            {
                errors.Add(line, "email", "import.error.bad_email", ("value", email));
                ok = false;
            }
            if (ok) entries.Add(new RosterEntry(line, cohort!, group, name!, phone!, role, language, email?.ToLowerInvariant()));
        }
        return entries;
    }
}
