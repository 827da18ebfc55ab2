using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NUnit.Framework;

namespace JobRunners.Runners.AzureQueue.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class AzureQueueHealthCheckTests
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"jobrunners-azure-health-{Guid.NewGuid():N}.db");

    [TearDown]
    public void CleanUp() => File.Delete(_database);

    [Test]
    public async Task Backend_QueueExists_Healthy()
    {
        await Azurite.RequireAsync();
        var queue = Azurite.NewQueueName("health");
        await Azurite.RawClient(queue).CreateAsync();
        try
        {
            var entry = await CheckBackendAsync(queue, createQueue: false);

            Assert.That(entry.Status, Is.EqualTo(HealthStatus.Healthy), entry.Description);
            Assert.That(entry.Description, Does.Contain(queue));
        }
        finally
        {
            await Azurite.RawClient(queue).DeleteIfExistsAsync();
        }
    }

    [Test]
    public async Task Backend_QueueMissingWithoutAutoCreate_UnhealthySayingSo()
    {
        await Azurite.RequireAsync();
        var queue = Azurite.NewQueueName("missing");

        var entry = await CheckBackendAsync(queue, createQueue: false);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain($"'{queue}' does not exist"));
    }

    private async Task<HealthReportEntry> CheckBackendAsync(string queue, bool createQueue)
    {
        var settings = new Dictionary<string, string?> { ["JOB_RUNNER"] = "azure-queue", ["JobRunners:Sqlite:Path"] = _database };
        AzureQueueTestSettings.Add(settings, queue);
        settings["JobRunners:AzureQueue:CreateQueueIfNotExists"] = createQueue ? "true" : "false";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddJobRunners(configuration, jobs => jobs.UseSqlite().AddAzureQueueRunner());
        services.AddHealthChecks().AddJobRunners();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == JobRunnersHealthChecksBuilderExtensions.BackendCheck);
        return report.Entries[JobRunnersHealthChecksBuilderExtensions.BackendCheck];
    }
}
