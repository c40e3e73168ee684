using System.Data;
using System.Text.Json;

namespace Academy.Learning.Storage;

/// <summary>
/// Everything that differs between the two engines, in one place per engine (as Quartz.NET's
/// delegates do): a store writes its statements once per dialect through <see cref="DialectSql"/>,
/// never by rewriting SQL text or asking which connection it holds.
/// </summary>
public abstract class SqlDialect
{
    public static SqlDialect Sqlite { get; } = new SqliteDialect();
    public static SqlDialect Postgres { get; } = new PostgresDialect();

    /// <summary>The dialect of <paramref name="provider"/>.</summary>
    public static SqlDialect For(StoreProvider provider) => provider == StoreProvider.Postgres ? Postgres : Sqlite;

    public abstract StoreProvider Provider { get; }

    /// <summary>
    /// <paramref name="expression"/> is one of the values of the list parameter <paramref name="parameter"/>
    /// (a <see cref="SqlList{T}"/>): one parameter however long the list, and both engines use the index.
    /// </summary>
    public abstract string InList(string expression, string parameter);

    /// <summary>How a list parameter is bound: a JSON array for SQLite's <c>json_each</c>, an array for PostgreSQL.</summary>
    internal abstract object ListValue<T>(T[] values);

    /// <summary>
    /// Many rows are inserted one prepared statement per row (SQLite: no round trips to save, and a
    /// statement compiled once beats any multi-row text) or as multi-row VALUES (PostgreSQL: one round
    /// trip for thousands of values).
    /// </summary>
    public abstract bool InsertsRowByRow { get; }

    private sealed class SqliteDialect : SqlDialect
    {
        public override StoreProvider Provider => StoreProvider.Sqlite;
        public override string InList(string expression, string parameter) => $"{expression} IN (SELECT value FROM json_each(@{parameter}))";
        internal override object ListValue<T>(T[] values) => JsonSerializer.Serialize(values);
        public override bool InsertsRowByRow => true;
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override StoreProvider Provider => StoreProvider.Postgres;
        public override string InList(string expression, string parameter) => $"{expression} = ANY(@{parameter})";
        internal override object ListValue<T>(T[] values) => values;
        public override bool InsertsRowByRow => false;
    }
}

/// <summary>
/// A statement whose text depends on the engine, built once per dialect on first use:
/// <c>static readonly DialectSql Find = new(d => $"SELECT … WHERE {d.InList("id", "ids")}");</c> then
/// <c>s.QueryAsync&lt;T&gt;(Find[s.Dialect], …)</c>.
/// </summary>
public sealed class DialectSql(Func<SqlDialect, string> build)
{
    private string? _sqlite;
    private string? _postgres;

    public string this[SqlDialect dialect]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(dialect);
            return dialect.Provider == StoreProvider.Postgres
                ? _postgres ??= build(dialect)
                : _sqlite ??= build(dialect);
        }
    }
}
