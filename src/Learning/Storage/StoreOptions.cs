using Academy.Learning.Content;

namespace Academy.Learning.Storage;

/// <summary>The database engine behind Academy.</summary>
public enum StoreProvider
{
    /// <summary>Embedded, zero-setup default: one file in a local data folder.</summary>
    Sqlite,
    /// <summary>For several BotHost processes behind a load balancer.</summary>
    Postgres,
}

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StoreOptions
{
    public const string Section = "Storage";

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>
    /// For SQLite, optional (default <c>Data Source={SqlitePath}</c>); for PostgreSQL, required,
    /// e.g. <c>Host=127.0.0.1;Username=academy;Password=…;Database=academy</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The SQLite file, relative to the working directory. Its folder is created if missing.</summary>
    public string SqlitePath { get; set; } = "data/academy.db";
}
