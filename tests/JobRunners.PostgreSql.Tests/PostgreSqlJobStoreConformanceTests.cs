using Dapper;
using JobRunners.Conformance.Storage;

namespace JobRunners.PostgreSql.Tests;

/// <summary>The shared store suite against a fresh schema per test.</summary>
[TestFixture]
public sealed class PostgreSqlJobStoreConformanceTests : JobStoreConformanceTests
{
    private string? _schema;

    protected override async ValueTask<IJobStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        var dataSource = await TestServer.GetDataSourceAsync();
        _schema = TestServer.NewSchemaName();
        var store = new PostgreSqlJobStore(dataSource, new PostgreSqlStoreOptions { Schema = _schema }, timeProvider);
        await store.MigrateAsync();
        return store;
    }

    protected override async ValueTask RecordMigrationAsync(int version)
    {
        var dataSource = await TestServer.GetDataSourceAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            $"INSERT INTO \"{_schema}\".schema_migrations (version, description, applied_at) VALUES (@Version, 'from a newer release', now())",
            new { Version = version });
    }

    protected override async ValueTask DisposeStoreAsync(IJobStore store)
    {
        await base.DisposeStoreAsync(store);
        if (_schema is { } schema)
        {
            _schema = null;
            await TestServer.DropSchemaAsync(schema);
        }
    }
}
