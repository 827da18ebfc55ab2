using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>The conformance kit against the local SQS service, each test on a queue of its own.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class AwsSqsConformanceTests : RunnerConformanceTests
{
    private readonly TestQueues _queues = new();
    private string _queueUrl = "";

    protected override string RunnerName => "aws-sqs";

    protected override bool WorkersShareQueue => true;

    // A stopping worker cancels its long poll, but the service may still hand the released message to that
    // abandoned poll, which hides it for a whole visibility timeout: a short one brings it back within seconds.
    protected override IReadOnlyDictionary<string, string?>? ShortShutdownSettings => new Dictionary<string, string?>
    {
        ["JobRunners:AwsSqs:Worker:ShutdownTimeout"] = "00:00:00.200",
        ["JobRunners:AwsSqs:Worker:VisibilityTimeout"] = "00:00:03",
    };

    protected override IReadOnlyDictionary<string, string?>? UnconfiguredSettings => new Dictionary<string, string?>
    {
        ["JobRunners:AwsSqs:QueueUrl"] = "",
        ["JobRunners:AwsSqs:Region"] = "",
        ["JobRunners:AwsSqs:AccessKeyId"] = "",
        ["JobRunners:AwsSqs:SecretAccessKey"] = "",

        // A profile that does not exist: credentials stay unresolvable whatever this machine's environment holds.
        ["JobRunners:AwsSqs:Profile"] = "jobrunners-tests-no-such-profile",
    };

    protected override IReadOnlyList<string> ExpectedMissingSettings => ["JobRunners:AwsSqs:QueueUrl", "JobRunners:AwsSqs:Region", "AWS credentials"];

    [SetUp]
    public async Task CreateQueue() => _queueUrl = await _queues.CreateAsync("kit");

    [TearDown]
    public Task DeleteQueues() => _queues.DeleteAllAsync();

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddAwsSqsRunner();

    protected override void AddSettings(IDictionary<string, string?> settings) => LocalSqs.AddSettings(settings, _queueUrl);
}
