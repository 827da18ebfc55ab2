using JobRunners.Benchmarks.EndToEnd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Benchmarks.Cloud;

/// <summary>A host dispatching through one cloud runner (no worker in this process), with the PostgreSQL store for job rows.</summary>
internal static class CloudRunnerHost
{
    public static IHost Build(string postgres, string runner, Action<JobRunnersBuilder> register, IReadOnlyDictionary<string, string?> settings)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        var all = new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:JobRunners"] = postgres,
            ["JOB_RUNNER"] = runner,
            ["JobRunners:PostgreSql:Schema"] = JobRunnersHost.Schema,
        };
        builder.Configuration.AddInMemoryCollection(all);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddJobRunners(builder.Configuration, jobs =>
        {
            jobs.UsePostgreSql();
            register(jobs);
            jobs.AddJob<NoopPayload>(JobRunnersHost.JobType, static (_, _, _) => ValueTask.CompletedTask);
            jobs.AddTask<NoopPayload>(JobRunnersHost.TaskName, static (_, _, _) => ValueTask.CompletedTask);
        });
        return builder.Build();
    }

    /// <summary>The exact message body the runners send for the no-op task.</summary>
    public static string TaskEnvelope(IHost host) =>
        JobEnvelope.ForTask(host.Services.GetRequiredService<JobRegistry>().PrepareTask(JobRunnersHost.TaskName, new NoopPayload(1))).Serialize();
}
