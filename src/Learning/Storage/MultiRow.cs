using System.Globalization;
using System.Text;
using Dapper;

namespace Academy.Learning.Storage;

/// <summary>
/// Multi-row <c>INSERT … VALUES (…), (…)</c> statements, the same SQL on both engines: one round trip
/// (PostgreSQL) or one statement (SQLite) for many rows, where a batch of turns or a fan-out writes
/// thousands. Rows go in the order given, in chunks.
/// </summary>
public static class MultiRow
{
    // SQLite binds named parameters by a linear search, so a statement's cost grows with the square of
    // its parameters: a few hundred a statement is the sweet spot on both engines.
    private const int MaxParameters = 400;

    /// <summary>
    /// Inserts <paramref name="rows"/> (one value per column of <paramref name="into"/>, e.g.
    /// <c>"answers (delivery_id, learner_id)"</c>) and returns the rows affected; <paramref name="tail"/>
    /// follows the values (<c>ON CONFLICT … DO NOTHING</c>).
    /// </summary>
    public static async Task<int> InsertAsync(DbSession s, string into, IReadOnlyList<object?[]> rows, string tail = "")
    {
        var affected = 0;
        foreach (var (sql, args) in Statements(into, rows, tail)) affected += await s.ExecuteAsync(sql, args);
        return affected;
    }

    /// <summary>As <see cref="InsertAsync"/>, with a <c>RETURNING</c> in <paramref name="tail"/>: the rows it returns.</summary>
    public static async Task<List<T>> InsertReturningAsync<T>(DbSession s, string into, IReadOnlyList<object?[]> rows, string tail)
    {
        var returned = new List<T>();
        foreach (var (sql, args) in Statements(into, rows, tail)) returned.AddRange(await s.QueryAsync<T>(sql, args));
        return returned;
    }

    private static IEnumerable<(string Sql, DynamicParameters Args)> Statements(string into, IReadOnlyList<object?[]> rows, string tail)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) yield break;
        var columns = rows[0].Length;
        foreach (var chunk in rows.Chunk(Math.Max(1, MaxParameters / columns)))
        {
            var sql = new StringBuilder("INSERT INTO ").Append(into).Append(" VALUES ");
            var args = new DynamicParameters();
            for (int r = 0; r < chunk.Length; r++)
            {
                if (chunk[r].Length != columns) throw new ArgumentException("Every row needs the same number of values.", nameof(rows));
                sql.Append(r == 0 ? "(" : ",(");
                for (int c = 0; c < columns; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"v{r}_{c}");
                    sql.Append(c == 0 ? "@" : ",@").Append(name);
                    args.Add(name, chunk[r][c]);
                }
                sql.Append(')');
            }
            if (tail.Length > 0) sql.Append(' ').Append(tail);
            yield return (sql.ToString(), args);
        }
    }
}
