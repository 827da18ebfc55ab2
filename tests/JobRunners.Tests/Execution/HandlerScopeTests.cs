using JobRunners.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using NUnit.Framework;

namespace JobRunners.Tests.Execution;

/// <summary>Handler classes run in a fresh dependency-injection scope per run, disposed when the run ends.</summary>
[TestFixture]
public sealed class HandlerScopeTests
{
    private ServiceProvider _services = null!;
    private ScopeLog _log = null!;

    [SetUp]
    public void SetUp()
    {
        _log = new ScopeLog();
        var store = new Mock<IJobStore>();
        store.Setup(s => s.ClaimAsync(It.IsAny<JobClaimRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((JobClaimRequest claim, CancellationToken _) => [Row(claim.Ids!.Single())]);
        store.Setup(s => s.CompleteAsync(It.IsAny<IReadOnlyList<JobCompletion>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyList<JobCompletion> done, CancellationToken _) => done.Select(c => c.Id).ToList());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "sync",
            ["JobRunners:WorkerId"] = "w1",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(_log);
        services.AddScoped<ScopedDependency>();
        services.AddJobRunners(configuration, jobs => jobs
            .AddSynchronousRunner()
            .UseStore(_ => store.Object)
            .AddJob<long, ScopedJobHandler>("scoped-job")
            .AddTask<long, ScopedTaskHandler>("scoped-task"));
        _services = services.BuildServiceProvider();
    }

    [TearDown]
    public void TearDown() => _services.Dispose();

    [Test]
    public async Task ExecuteTaskAsync_HandlerClass_GetsAFreshScopeDisposedAfterEachRun()
    {
        var executor = _services.GetRequiredService<JobExecutor>();
        var registry = _services.GetRequiredService<JobRegistry>();

        await executor.ExecuteTaskAsync(registry.PrepareTask("scoped-task", 1L));
        await executor.ExecuteTaskAsync(registry.PrepareTask("scoped-task", 2L));

        AssertTwoScopes();
    }

    [Test]
    public async Task ExecuteJobAsync_HandlerClass_GetsAFreshScopeDisposedAfterEachAttempt()
    {
        var executor = _services.GetRequiredService<JobExecutor>();

        Assert.That((await executor.ExecuteJobAsync(1)).Kind, Is.EqualTo(JobOutcomeKind.Succeeded));
        Assert.That((await executor.ExecuteJobAsync(2)).Kind, Is.EqualTo(JobOutcomeKind.Succeeded));

        AssertTwoScopes();
    }

    private void AssertTwoScopes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_log.Seen, Has.Count.EqualTo(2));
            Assert.That(_log.Seen.Distinct().Count(), Is.EqualTo(2), "each run resolves its own scoped instance");
            Assert.That(_log.Seen.All(d => d.DisposedAfterRun), Is.True, "each scope is disposed when its run ends");
            Assert.That(_log.Seen.Any(d => d.DisposedDuringRun), Is.False, "no scope is disposed while its handler runs");
        });
    }

    private static JobRequest Row(long id) => new()
    {
        Id = id,
        JobType = "scoped-job",
        QueueName = "scoped-job",
        Payload = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Status = JobStatus.Running,
        Attempts = 1,
        MaxAttempts = 3,
        RunAt = DateTimeOffset.UtcNow,
        LockedBy = "w1",
    };

    public sealed class ScopeLog
    {
        public List<ScopedDependency> Seen { get; } = [];
    }

    public sealed class ScopedDependency : IDisposable
    {
        private bool _running;

        public bool DisposedDuringRun { get; private set; }

        public bool DisposedAfterRun { get; private set; }

        public void Run(ScopeLog log)
        {
            _running = true;
            log.Seen.Add(this);
        }

        public void Finish() => _running = false;

        public void Dispose()
        {
            DisposedDuringRun |= _running;
            DisposedAfterRun = !_running;
        }
    }

    public sealed class ScopedTaskHandler(ScopedDependency dependency, ScopeLog log) : ITaskHandler<long>
    {
        public ValueTask HandleAsync(long payload, ITaskContext context, CancellationToken cancellationToken)
        {
            dependency.Run(log);
            dependency.Finish();
            return ValueTask.CompletedTask;
        }
    }

    public sealed class ScopedJobHandler(ScopedDependency dependency, ScopeLog log) : IJobHandler<long>
    {
        public ValueTask HandleAsync(long payload, IJobContext context, CancellationToken cancellationToken)
        {
            dependency.Run(log);
            dependency.Finish();
            return ValueTask.CompletedTask;
        }
    }
}
