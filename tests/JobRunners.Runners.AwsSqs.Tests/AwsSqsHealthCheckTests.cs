using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class AwsSqsHealthCheckTests
{
    private readonly TestQueues _queues = new();
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"jobrunners-sqs-health-{Guid.NewGuid():N}.db");

    [TearDown]
    public async Task CleanUp()
    {
        await _queues.DeleteAllAsync();
        File.Delete(_database);
    }

    [Test]
    public async Task Backend_QueueExists_Healthy()
    {
        var url = await _queues.CreateAsync("health");

        var entry = await CheckBackendAsync(url);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Healthy), entry.Description);
        Assert.That(entry.Description, Does.Contain(url));
    }

    [Test]
    public async Task Backend_QueueMissing_UnhealthySayingSo()
    {
        var url = $"{LocalSqs.ServiceUrl}/000000000000/{LocalSqs.UniqueName("missing")}";

        var entry = await CheckBackendAsync(url);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("does not exist").And.Contain(url));
    }

    private async Task<HealthReportEntry> CheckBackendAsync(string queueUrl)
    {
        var settings = new Dictionary<string, string?> { ["JOB_RUNNER"] = "aws-sqs", ["JobRunners:Sqlite:Path"] = _database };
        LocalSqs.AddSettings(settings, queueUrl);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddJobRunners(configuration, jobs => jobs.UseSqlite().AddAwsSqsRunner());
        services.AddHealthChecks().AddJobRunners();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == JobRunnersHealthChecksBuilderExtensions.BackendCheck);
        return report.Entries[JobRunnersHealthChecksBuilderExtensions.BackendCheck];
    }
}
