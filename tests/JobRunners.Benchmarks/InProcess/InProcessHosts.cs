using JobRunners.Benchmarks.EndToEnd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Benchmarks.InProcess;

/// <summary>The in-process runner with two workers draining no-op tasks (store: the benchmark's PostgreSQL; tasks never touch it).</summary>
internal static class InProcessHosts
{
    public static IHost Build(string connectionString, int capacity)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:JobRunners"] = connectionString,
            ["JOB_RUNNER"] = "in-process",
            ["JobRunners:PostgreSql:Schema"] = JobRunnersHost.Schema,
            ["JobRunners:InProcess:Workers"] = "2",
            ["JobRunners:InProcess:Capacity"] = capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddJobRunners(builder.Configuration, jobs => jobs
            .UsePostgreSql()
            .AddInProcessRunner()
            .AddTask<NoopPayload>(JobRunnersHost.TaskName, static (_, _, _) => ValueTask.CompletedTask)
            .AddJob<NoopPayload>(JobRunnersHost.JobType, static (_, _, _) => ValueTask.CompletedTask));
        return builder.Build();
    }
}
