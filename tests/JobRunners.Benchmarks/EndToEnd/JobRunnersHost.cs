using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>A Generic Host running JobRunners with one flavor, a no-op job and a no-op task, on the benchmark's PostgreSQL.</summary>
internal static class JobRunnersHost
{
    public const string Schema = "jobrunners";
    public const string JobType = "noop";
    public const string TaskName = "noop-task";

    public static IHost Build(string connectionString, JobRunnersFlavor flavor, int workers, CompletionCounter counter, bool worker = true, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["JobRunners:Worker:Enabled"] = worker ? "true" : "false",
            ["JobRunners:MaintenanceInterval"] = "00:01:00",
        };
        foreach (var (key, value) in flavor.WorkerSettings(workers).Concat(extra ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        return Create(connectionString, flavor, settings, counter);
    }

    /// <summary>
    /// A worker process as it runs in production: worker enabled and nothing else set, so poll, LISTEN, maintenance,
    /// scheduler, concurrency and batch size all keep their defaults.
    /// </summary>
    public static IHost BuildWorkerProcess(string connectionString, JobRunnersFlavor flavor, CompletionCounter counter) =>
        Create(connectionString, flavor, new Dictionary<string, string?> { ["JobRunners:Worker:Enabled"] = "true" }, counter);

    private static IHost Create(string connectionString, JobRunnersFlavor flavor, Dictionary<string, string?> settings, CompletionCounter counter)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        settings["ConnectionStrings:JobRunners"] = connectionString;
        settings["JOB_RUNNER"] = flavor.RunnerName;
        settings["JobRunners:PostgreSql:Schema"] = Schema;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddJobRunners(builder.Configuration, jobs =>
        {
            jobs.UsePostgreSql();
            flavor.Register(jobs);
            jobs.AddJob<NoopPayload>(JobType, (_, _, _) =>
            {
                counter.Increment();
                return ValueTask.CompletedTask;
            });
            jobs.AddTask<NoopPayload>(TaskName, (_, _, _) =>
            {
                counter.Increment();
                return ValueTask.CompletedTask;
            });
        });
        return builder.Build();
    }

    /// <summary>Empties the job table (when it exists) so every run starts from the same state.</summary>
    public static async Task ResetAsync(NpgsqlDataSource admin)
    {
        await using var command = admin.CreateCommand(
            $"DO $$ BEGIN IF to_regclass('{Schema}.job_request') IS NOT NULL THEN TRUNCATE {Schema}.job_request RESTART IDENTITY; END IF; END $$");
        await command.ExecuteNonQueryAsync();
    }
}
