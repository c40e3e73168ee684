using System.Data;
using System.Text.Json;
using Dapper;
using Academy.Learning.Content;

namespace Academy.Learning.Storage;

/// <summary>
/// A list of values for <c>column IN @name</c>, one parameter on both engines: a JSON array read by
/// <c>json_each</c> on SQLite, an array (<c>= ANY</c>) on PostgreSQL; <see cref="DbSession"/> writes
/// the SQL for each. Dapper's own expansion would bind one parameter per value, which SQLite looks up
/// by name one at a time: a list of a few hundred cost milliseconds.
/// </summary>
public sealed class SqlList<T> : SqlMapper.ICustomQueryParameter
{
    private readonly T[] _values;

    public SqlList(IEnumerable<T> values) => _values = values.ToArray();

    public int Count => _values.Length;

    public void AddParameter(IDbCommand command, string name)
    {
        ArgumentNullException.ThrowIfNull(command);
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = command is Npgsql.NpgsqlCommand ? _values : JsonSerializer.Serialize(_values);
        command.Parameters.Add(p);
    }
}

/// <summary>Makes <see cref="SqlList{T}"/>s.</summary>
public static class SqlList
{
    public static SqlList<T> Of<T>(IEnumerable<T> values) => new(values);
}
