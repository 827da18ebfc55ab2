using JobRunners.Conformance.Storage;

namespace JobRunners.Sqlite.Tests;

/// <summary>The shared store suite against a fresh SQLite file per test.</summary>
[TestFixture]
public sealed class SqliteJobStoreConformanceTests : JobStoreConformanceTests
{
    private TempDatabase? _database;

    protected override async ValueTask<IJobStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        _database = new TempDatabase();
        var store = new SqliteJobStore(_database.Options, timeProvider);
        await store.MigrateAsync();
        return store;
    }

    protected override ValueTask RecordMigrationAsync(int version)
    {
        using var connection = _database!.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($version, 'from a newer release', 0)";
        command.Parameters.AddWithValue("$version", version);
        command.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    protected override async ValueTask DisposeStoreAsync(IJobStore store)
    {
        await base.DisposeStoreAsync(store);
        _database?.Delete();
        _database = null;
    }
}
