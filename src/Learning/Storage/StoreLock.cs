using Academy.Learning.Content;

namespace Academy.Learning.Storage;

/// <summary>
/// A lock file beside a SQLite store (<c>academy.db.lock</c>) that says whether a process has the store
/// open. Every process using the store (the host, an import, a backup) holds it shared; a restore needs
/// it alone. The operating system drops the lock when its process ends, however it ends, so a crashed
/// host leaves nothing to clean up — unlike a pid file, which outlives a SIGKILL.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private readonly FileStream _file;

    private StoreLock(FileStream file) => _file = file;

    /// <summary>The lock file of the store at <paramref name="storePath"/>.</summary>
    public static string PathFor(string storePath) => storePath + ".lock";

    /// <summary>Shared: taken by everything that reads or writes the store. Null when a restore holds it.</summary>
    public static StoreLock? TryShared(string storePath) => TryTake(storePath, FileShare.ReadWrite);

    /// <summary>Exclusive: nobody else has the store open. Null when any process holds the lock.</summary>
    public static StoreLock? TryExclusive(string storePath) => TryTake(storePath, FileShare.None);

    // .NET on Linux and macOS turns FileShare into flock(2): ReadWrite takes LOCK_SH, None LOCK_EX, both
    // without waiting, and a conflicting holder (in any process) makes the open fail with an IOException.
    private static StoreLock? TryTake(string storePath, FileShare share)
    {
        ArgumentNullException.ThrowIfNull(storePath);
        var path = PathFor(storePath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        try
        {
            return new StoreLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>A restore holds the store alone: nothing may open it until the restore has finished.</summary>
public sealed class StoreBeingRestoredException(string store)
    : InvalidOperationException($"The store {store} is being restored ({StoreLock.PathFor(store)} is locked); start again when the restore has finished.")
{
    public string Store { get; } = store;
}
