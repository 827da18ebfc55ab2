using JobRunners.Conformance.Scheduling;
using JobRunners.Scheduling;

namespace JobRunners.Sqlite.Tests;

/// <summary>The shared schedule store suite against a fresh SQLite file per test.</summary>
[TestFixture]
public sealed class SqliteScheduleStoreConformanceTests : ScheduleStoreConformanceTests
{
    private TempDatabase? _database;

    protected override async ValueTask<(IScheduleStore Schedules, IJobStore Jobs)> CreateStoresAsync(TimeProvider timeProvider)
    {
        _database = new TempDatabase();
        var schedules = new SqliteScheduleStore(_database.Options, timeProvider);
        await schedules.MigrateAsync();
        return (schedules, new SqliteJobStore(_database.Options, timeProvider));
    }

    protected override async ValueTask DisposeStoresAsync(IScheduleStore schedules, IJobStore jobs)
    {
        await base.DisposeStoresAsync(schedules, jobs);
        _database?.Delete();
        _database = null;
    }
}
