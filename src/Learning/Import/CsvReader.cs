using System.Text;

namespace Academy.Learning.Import;

/// <summary>
/// RFC 4180 CSV: commas, double-quoted fields with "" escapes and line breaks inside quotes.
/// Each record keeps the line it starts on, for error messages.
/// </summary>
internal static class CsvReader
{
    public static List<(int Line, List<string> Fields)> Read(string text, ErrorSink errors)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1;
        bool inQuotes = false, fieldStarted = false;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            fieldStarted = false;
        }

        void EndRecord()
        {
            EndField();
            // A blank line is not a record.
            if (!(fields.Count == 1 && fields[0].Length == 0)) records.Add((recordLine, fields));
            fields = [];
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else inQuotes = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when !fieldStarted && field.Length == 0:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case ',':
                    EndField();
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }
        if (inQuotes) errors.Add(recordLine, "", "import.error.csv_quote");
        else if (field.Length > 0 || fields.Count > 0) EndRecord();
        return records;
    }
}
