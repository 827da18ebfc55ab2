using JobRunners.Conformance.Scheduling;
using JobRunners.Scheduling;

namespace JobRunners.PostgreSql.Tests;

/// <summary>The shared schedule store suite against a fresh schema per test.</summary>
[TestFixture]
public sealed class PostgreSqlScheduleStoreConformanceTests : ScheduleStoreConformanceTests
{
    private string? _schema;

    protected override async ValueTask<(IScheduleStore Schedules, IJobStore Jobs)> CreateStoresAsync(TimeProvider timeProvider)
    {
        var dataSource = await TestServer.GetDataSourceAsync();
        _schema = TestServer.NewSchemaName();
        var options = new PostgreSqlStoreOptions { Schema = _schema };
        var schedules = new PostgreSqlScheduleStore(dataSource, options, timeProvider);
        await schedules.MigrateAsync();
        return (schedules, new PostgreSqlJobStore(dataSource, options, timeProvider));
    }

    protected override async ValueTask DisposeStoresAsync(IScheduleStore schedules, IJobStore jobs)
    {
        await base.DisposeStoresAsync(schedules, jobs);
        if (_schema is { } schema)
        {
            _schema = null;
            await TestServer.DropSchemaAsync(schema);
        }
    }
}
