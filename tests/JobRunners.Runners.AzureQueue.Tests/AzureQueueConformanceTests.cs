using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.AzureQueue.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class AzureQueueConformanceTests : RunnerConformanceTests
{
    // One queue per test (each test is its own fixture instance): every test's host has its own store, so a
    // worker reading another test's job ids would find the wrong rows.
    private readonly string _queue = Azurite.NewQueueName("conf");

    protected override string RunnerName => "azure-queue";

    protected override bool WorkersShareQueue => true;

    protected override IReadOnlyDictionary<string, string?>? ShortShutdownSettings => new Dictionary<string, string?> { ["JobRunners:AzureQueue:Worker:ShutdownTimeout"] = "00:00:00.200" };

    protected override IReadOnlyDictionary<string, string?>? UnconfiguredSettings => new Dictionary<string, string?>
    {
        ["JobRunners:AzureQueue:ConnectionString"] = "",
        ["JobRunners:AzureQueue:QueueName"] = "",
    };

    protected override IReadOnlyList<string> ExpectedMissingSettings => ["JobRunners:AzureQueue:ConnectionString", "JobRunners:AzureQueue:QueueName"];

    [OneTimeSetUp]
    public static Task RequireAzurite() => Azurite.RequireAsync();

    [TearDown]
    public Task DeleteQueues() => Azurite.DeleteQueuesAsync(_queue);

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddAzureQueueRunner();

    protected override void AddSettings(IDictionary<string, string?> settings) => AzureQueueTestSettings.Add(settings, _queue);
}
