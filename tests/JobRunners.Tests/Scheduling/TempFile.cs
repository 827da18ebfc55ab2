using Microsoft.Data.Sqlite;

namespace JobRunners.Tests.Scheduling;

/// <summary>A SQLite file path in its own temporary directory; disposing deletes the directory.</summary>
internal sealed class TempFile : IDisposable
{
    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jobrunners-scheduling-tests", Guid.NewGuid().ToString("N"));

    public TempFile()
    {
        Path = System.IO.Path.Combine(_directory, "jobs.db");
    }

    public string Path { get; }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before deleting it.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
