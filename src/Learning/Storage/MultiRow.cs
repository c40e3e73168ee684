using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Academy.Learning.Content;

namespace Academy.Learning.Storage;

/// <summary>
/// Many rows inserted at once, where a batch of turns or a fan-out writes thousands: on PostgreSQL
/// multi-row <c>INSERT … VALUES (…), (…)</c> statements (one round trip for thousands of values), on
/// SQLite one single-row statement compiled once and run for every row. Rows go in the order given.
/// </summary>
public static class MultiRow
{
    // On PostgreSQL each statement is a round trip and binding is linear: the fewer statements the
    // better, up to 4,000 parameters a statement. SQLite has no round trips: see InsertPrepared.
    private const int MaxPostgresParameters = 4000;

    /// <summary>
    /// Inserts <paramref name="rows"/> (one value per column of <paramref name="into"/>, e.g.
    /// <c>"answers (delivery_id, learner_id)"</c>) and returns the rows affected; <paramref name="tail"/>
    /// follows the values (<c>ON CONFLICT … DO NOTHING</c>).
    /// </summary>
    public static async Task<int> InsertAsync(DbSession s, string into, IReadOnlyList<object?[]> rows, string tail = "")
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(rows);
        if (s.Connection is Microsoft.Data.Sqlite.SqliteConnection) return InsertPrepared(s, into, rows, tail);
        var affected = 0;
        foreach (var chunk in Chunks(s, rows))
        {
            await using var command = Command(s, into, chunk, tail);
            affected += await command.ExecuteNonQueryAsync();
        }
        return affected;
    }

    /// <summary>As <see cref="InsertAsync"/>, with a <c>RETURNING</c> in <paramref name="tail"/>: the rows it returns.</summary>
    public static async Task<List<T>> InsertReturningAsync<T>(DbSession s, string into, IReadOnlyList<object?[]> rows, string tail)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(rows);
        if (s.Connection is Microsoft.Data.Sqlite.SqliteConnection) return InsertPreparedReturning<T>(s, into, rows, tail);
        var returned = new List<T>();
        foreach (var chunk in Chunks(s, rows))
        {
            await using var command = Command(s, into, chunk, tail);
            await using var reader = await command.ExecuteReaderAsync();
            var parse = reader.GetRowParser<T>();
            while (await reader.ReadAsync()) returned.Add(parse(reader));
        }
        return returned;
    }

    // SQLite: no round trips to save, so one single-row statement, compiled once and run per row with
    // its values rebound, beats any multi-row statement (whose text SQLite compiles anew each time —
    // measured at a fifth of the host's CPU while moving inbox rows) — and SQLite runs it in process, so
    // the async API would only add a state machine per row.
    private static int InsertPrepared(DbSession s, string into, IReadOnlyList<object?[]> rows, string tail)
    {
        if (rows.Count == 0) return 0;
        using var command = Prepared(s, into, rows[0].Length, tail, out var parameters);
        var affected = 0;
        foreach (var row in rows)
        {
            Bind(parameters, row);
            affected += command.ExecuteNonQuery();
        }
        return affected;
    }

    private static List<T> InsertPreparedReturning<T>(DbSession s, string into, IReadOnlyList<object?[]> rows, string tail)
    {
        var returned = new List<T>();
        if (rows.Count == 0) return returned;
        using var command = Prepared(s, into, rows[0].Length, tail, out var parameters);
        Func<System.Data.Common.DbDataReader, T>? parse = null;
        foreach (var row in rows)
        {
            Bind(parameters, row);
            using var reader = command.ExecuteReader();
            parse ??= reader.GetRowParser<T>();
            while (reader.Read()) returned.Add(parse(reader));
        }
        return returned;
    }

    private static DbCommand Prepared(DbSession s, string into, int columns, string tail, out DbParameter[] parameters)
    {
        var command = s.Connection.CreateCommand();
        command.Transaction = s.Transaction;
        var sql = new StringBuilder("INSERT INTO ").Append(into).Append(" VALUES (");
        parameters = new DbParameter[columns];
        for (int c = 0; c < columns; c++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@v{c}");
            sql.Append(c == 0 ? "" : ",").Append(name);
            parameters[c] = command.CreateParameter();
            parameters[c].ParameterName = name;
            command.Parameters.Add(parameters[c]);
        }
        sql.Append(')');
        if (tail.Length > 0) sql.Append(' ').Append(tail);
        command.CommandText = sql.ToString();
        return command;
    }

    private static void Bind(DbParameter[] parameters, object?[] row)
    {
        if (row.Length != parameters.Length) throw new ArgumentException("Every row needs the same number of values.", nameof(row));
        for (int c = 0; c < row.Length; c++) parameters[c].Value = row[c] ?? DBNull.Value;
    }

    private static IEnumerable<object?[][]> Chunks(DbSession s, IReadOnlyList<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Count == 0 ? [] : rows.Chunk(Math.Max(1, MaxPostgresParameters / rows[0].Length));
    }

    private static DbCommand Command(DbSession s, string into, object?[][] chunk, string tail)
    {
        var columns = chunk[0].Length;
        var command = s.Connection.CreateCommand();
        command.Transaction = s.Transaction;
        var sql = new StringBuilder("INSERT INTO ").Append(into).Append(" VALUES ");
        for (int r = 0; r < chunk.Length; r++)
        {
            if (chunk[r].Length != columns) throw new ArgumentException("Every row needs the same number of values.", nameof(chunk));
            sql.Append(r == 0 ? "(" : ",(");
            for (int c = 0; c < columns; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@v{r}_{c}");
                sql.Append(c == 0 ? "" : ",").Append(name);
                var p = command.CreateParameter();
                p.ParameterName = name;
                p.Value = chunk[r][c] ?? DBNull.Value;
                command.Parameters.Add(p);
            }
            sql.Append(')');
        }
        if (tail.Length > 0) sql.Append(' ').Append(tail);
        command.CommandText = sql.ToString();
        return command;
    }
}
