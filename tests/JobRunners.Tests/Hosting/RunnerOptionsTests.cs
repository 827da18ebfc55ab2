using JobRunners.Runners.AwsSqs;
using JobRunners.Runners.AzureQueue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace JobRunners.Tests.Hosting;

/// <summary>
/// Runners' settings are bound from the configuration <c>AddJobRunners</c> uses when they are first read, follow
/// reloads, and are checked when the host starts, before any hosted service, but only for the selected runner.
/// </summary>
[TestFixture]
public sealed class RunnerOptionsTests
{
    private const string QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs";

    private string _database = "";

    [SetUp]
    public void NewDatabase() => _database = Path.Combine(Path.GetTempPath(), $"jr-runner-options-{Guid.NewGuid():N}.db");

    [TearDown]
    public void DeleteDatabase()
    {
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_database) + "*"))
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task Start_SelectedAwsSqsWithoutQueueUrl_FailsNamingKeyAndFlatNameBeforeAnyHostedServiceStarts()
    {
        var started = new StartProbe();
        using var host = BuildHost(started, new()
        {
            ["JOB_RUNNER"] = "aws-sqs",
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
        });

        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(() => host.StartAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Configuration.Runner, Is.EqualTo("aws-sqs"));
            Assert.That(error.Configuration.Missing.Select(m => m.Name), Is.EqualTo(new[] { "JobRunners:AwsSqs:QueueUrl" }));
            Assert.That(error.Message, Does.Contain("JobRunners:AwsSqs:QueueUrl").And.Contain("JOBRUNNERS_SQS_QUEUE_URL"));
            Assert.That(started.Started, Is.False, "no hosted service ran");
        });
    }

    [Test]
    public async Task Start_SelectedAzureQueueWithoutSettings_FailsNamingEverySettingBeforeAnyHostedServiceStarts()
    {
        var started = new StartProbe();
        using var host = BuildHost(started, new() { ["JOB_RUNNER"] = "azure-queue" });

        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(() => host.StartAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Configuration.Missing.Select(m => m.Name), Is.EquivalentTo(new[] { "JobRunners:AzureQueue:ConnectionString", "JobRunners:AzureQueue:QueueName" }));
            Assert.That(error.Message, Does.Contain("AZURE_STORAGE_CONNECTION_STRING").And.Contain("JOBRUNNERS_AZURE_QUEUE_NAME"));
            Assert.That(started.Started, Is.False, "no hosted service ran");
        });
    }

    [Test]
    public async Task Start_SelectedPostgresWithUnusableFlatSetting_FailsNamingKeyAndFlatNameBeforeAnyHostedServiceStarts()
    {
        var started = new StartProbe();
        using var host = BuildHost(started, new()
        {
            ["JOB_RUNNER"] = "postgres",
            ["JOBRUNNERS_POSTGRES_BATCH_SIZE"] = "5000",
            ["JOBRUNNERS_POSTGRES_JOB_TYPES"] = "no-such-job",
        });

        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(() => host.StartAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Configuration.Missing.Select(m => m.Name), Is.EquivalentTo(new[] { "JobRunners:PostgreSql:BatchSize", "JobRunners:PostgreSql:JobTypes" }));
            Assert.That(error.Message, Does.Contain("JOBRUNNERS_POSTGRES_BATCH_SIZE").And.Contain("no-such-job"));
            Assert.That(started.Started, Is.False, "no hosted service ran");
        });
    }

    [Test]
    public async Task Start_UnselectedRunnersMissingSettings_HostStarts()
    {
        var started = new StartProbe();
        using var host = BuildHost(started, new()
        {
            ["JOB_RUNNER"] = "in-process",
            ["JOBRUNNERS_POSTGRES_BATCH_SIZE"] = "5000",
        });

        await host.StartAsync();
        try
        {
            Assert.Multiple(() =>
            {
                Assert.That(started.Started, Is.True);
                Assert.That(host.Services.GetRequiredService<IJobRunner>().Name, Is.EqualTo("in-process"));
                Assert.That(host.Services.GetRequiredService<IOptions<AwsSqsOptions>>().Value.QueueUrl, Is.Null, "an unselected runner's settings are readable unchecked");
            });
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public void Options_SelectedRunnerInvalid_ReadingThemThrowsTheSameReport()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "azure-queue",
            ["JOBRUNNERS_AZURE_QUEUE_NAME"] = "Not_A_Queue",
            ["AZURE_STORAGE_CONNECTION_STRING"] = "UseDevelopmentStorage=true",
        }).Build();
        var services = new ServiceCollection();
        services.AddJobRunners(configuration, jobs => jobs.AddInProcessRunner().AddAzureQueueRunner());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<RunnerNotConfiguredException>(() => _ = provider.GetRequiredService<IOptions<AzureQueueOptions>>().Value);

        Assert.That(error!.Configuration.Missing.Select(m => m.Name), Is.EqualTo(new[] { "JobRunners:AzureQueue:QueueName" }));
        Assert.That(error.Message, Does.Contain("'Not_A_Queue' is not a valid queue name"));
    }

    [Test]
    public void OptionsMonitor_ConfigurationReloads_SeesNewFlatValue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "aws-sqs",
            ["JOBRUNNERS_SQS_QUEUE_URL"] = QueueUrl,
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
        }).Build();
        var services = new ServiceCollection();
        services.AddJobRunners(configuration, jobs => jobs.AddAwsSqsRunner());
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<AwsSqsOptions>>();
        Assert.That(monitor.CurrentValue.QueueUrl, Is.EqualTo(QueueUrl));

        configuration["JOBRUNNERS_SQS_QUEUE_URL"] = QueueUrl + "-reloaded";
        configuration.Reload();

        Assert.That(monitor.CurrentValue.QueueUrl, Is.EqualTo(QueueUrl + "-reloaded"));
    }

    [Test]
    public void AddAwsSqsRunner_CallWithoutConfiguration_BindsFromTheContainersConfigurationWhenRead()
    {
        var services = new ServiceCollection();
        services.AddJobRunners(jobs => jobs.AddAwsSqsRunner());

        // Registered after the runner, as a library's AddJobRunners call may come before the application's configuration.
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "aws-sqs",
            ["JobRunners:AwsSqs:QueueUrl"] = QueueUrl,
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
        }).Build());
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AwsSqsOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.QueueUrl, Is.EqualTo(QueueUrl));
            Assert.That(options.Region, Is.EqualTo("eu-west-1"));
        });
    }

    private IHost BuildHost(StartProbe started, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["JobRunners:Sqlite:Path"] = _database });
        builder.Services.AddSingleton<IHostedService>(started);
        builder.AddJobRunners(jobs => jobs.UseSqlite().AddInProcessRunner().AddAwsSqsRunner().AddAzureQueueRunner().AddPostgreSqlRunner());

        // Added after registration, as a test host's overrides are: the runners read them when first built.
        builder.Configuration.AddInMemoryCollection(settings);
        return builder.Build();
    }

    private sealed class StartProbe : IHostedService
    {
        public bool Started { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
