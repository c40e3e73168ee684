using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

/// <summary>One row of a roster, checked on its own; cohort and group codes are checked against the store later.</summary>
public sealed record RosterEntry(int Line, string Cohort, string? Group, string Name, string Phone, Role Role, string? Language, string? Email);

/// <summary>
/// What a row names, read even when the row has errors of its own, so that its references (cohort,
/// group) and its e-mail are checked in the same run: fixing one error must not reveal the next.
/// </summary>
/// <param name="Phone">The phone as normalised, or as written when it is not a valid number.</param>
public sealed record RosterRow(int Line, string? Cohort, string? Group, string? Phone, string? Email);

/// <summary>A roster file read: the rows without errors, and what every readable row names.</summary>
public sealed record RosterFile(List<RosterEntry> Entries, List<RosterRow> Rows);

/// <summary>
/// Reads a roster CSV (docs/content-format.md). Rows with errors are reported and left out of the
/// entries; what every row names is returned too, so its cohort, group and e-mail are still checked.
/// </summary>
internal static class RosterParser
{
    private static readonly string[] Columns = ["cohort", "group", "name", "phone", "role", "language", "email"];
    private static readonly string[] RequiredColumns = ["cohort", "name", "phone"];

    public static RosterFile? Parse(string text, ErrorSink errors)
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
        // The rows are still checked (a missing column is not reported again on each of them), but with
        // the header wrong none of them is taken.
        var headerOk = errors.Errors.Count == errorsBefore;
        if (records.Count == 1)
        {
            if (headerOk) errors.Add(headerLine, "", "import.error.empty_file");
            return null;
        }

        var entries = new List<RosterEntry>();
        var rows = new List<RosterRow>();
        var phoneLines = new Dictionary<string, int>();
        var emailLines = new Dictionary<string, (int Line, string? Phone)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count != header.Count)
            {
                errors.Add(line, "", "import.error.column_count", ("count", fields.Count), ("expected", header.Count));
                continue;
            }
            string? Get(string column) =>
                index.TryGetValue(column, out var i) && fields[i].Trim() is { Length: > 0 } v ? v : null;

            bool Has(string column) => index.ContainsKey(column);

            bool ok = headerOk;
            var cohort = Get("cohort");
            if (cohort is null && Has("cohort")) { errors.Add(line, "cohort", "import.error.required"); ok = false; }
            var name = Get("name");
            if (name is null) { if (Has("name")) errors.Add(line, "name", "import.error.required"); ok = false; }
            else if (name.Length > 200) { errors.Add(line, "name", "import.error.too_long", ("max", 200)); ok = false; }

            var rawPhone = Get("phone");
            string? phone = null;
            if (rawPhone is null) { if (Has("phone")) errors.Add(line, "phone", "import.error.required"); ok = false; }
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
                email = null;
            }
            // Registration on Teams finds a person by e-mail: two people sharing one would never be found.
            var samePerson = phone ?? rawPhone;
            if (email is not null && emailLines.TryGetValue(email, out var first) && first.Phone != samePerson)
            {
                errors.Add(line, "email", "import.error.duplicate_email", ("value", email.ToLowerInvariant()), ("line", first.Line));
                ok = false;
            }
            else if (email is not null) emailLines.TryAdd(email, (line, samePerson));
            rows.Add(new RosterRow(line, cohort, group, samePerson, email?.ToLowerInvariant()));
            if (ok) entries.Add(new RosterEntry(line, cohort!, group, name!, phone!, role, language, email?.ToLowerInvariant()));
        }
        return new RosterFile(entries, rows);
    }
}
