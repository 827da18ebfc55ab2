using Microsoft.Data.Sqlite;

namespace JobRunners.Sqlite.Tests;

/// <summary>A database file in its own temporary directory; <see cref="Delete"/> removes both.</summary>
internal sealed class TempDatabase
{
    public TempDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "jobrunners-tests", Guid.NewGuid().ToString("N"));
        FilePath = Path.Combine(Directory, "jobs.db");
    }

    public string Directory { get; }

    public string FilePath { get; }

    public SqliteStoreOptions Options => new() { Path = FilePath };

    /// <summary>Opens a plain connection to inspect the file as another tool would.</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Delete()
    {
        // Pooled connections keep the file open; release them before deleting it.
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
