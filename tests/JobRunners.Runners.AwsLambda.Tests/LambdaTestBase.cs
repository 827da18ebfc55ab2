using System.Text;
using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>
/// Hosts with the aws-lambda runner against the local Invoke API, whose forwarded events run in the same host.
/// Adds a job whose retries wait seconds (to watch a delayed retry) besides the kit's probes.
/// </summary>
public abstract class LambdaTestBase : RunnerTestBase
{
    /// <summary>Fails every attempt; retries after 3 s, twice.</summary>
    protected const string SlowRetryJob = "lambda.slow-retry";

    protected override string RunnerName => "aws-lambda";

    [OneTimeSetUp]
    public static async Task RequireLocalLambda()
    {
        await LocalLambda.RequireAsync();
        ForwardListener.EnsureStarted();
    }

    protected override void AddRunner(JobRunnersBuilder jobs)
    {
        jobs.AddAwsLambdaRunner();
        OtherTransport.Register(jobs);
        jobs.Services.AddHostedService<ForwardTarget>();
        jobs.AddJob<ProbePayload>(
            SlowRetryJob,
            (p, _, _) => throw new InvalidOperationException($"slow-retry {p.Key} failed"),
            o => o.Retry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromSeconds(3), Jitter = 0 });
    }

    protected override void AddSettings(IDictionary<string, string?> settings) => LocalLambda.AddSettings(settings);

    /// <summary>Writes a queued row directly (as another runner or an earlier dispatch would have).</summary>
    protected static async Task<JobRequest> InsertAsync(RunnerHost host, string jobType, string key, string? queue = null, bool locksQueue = false, string runner = "aws-lambda", int maxAttempts = 3)
    {
        var inserted = await host.Store.InsertAsync(new NewJobRequest
        {
            JobType = jobType,
            QueueName = queue ?? jobType,
            Payload = $$"""{"key":"{{key}}","count":1}""",
            MaxAttempts = maxAttempts,
            LocksQueue = locksQueue,
            Runner = runner,
            Dispatched = true,
        });
        return inserted.Job;
    }

    /// <summary>Runs one event through the processor with the host's services and returns the answer.</summary>
    protected static async Task<string> ProcessAsync(RunnerHost host, string eventJson)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(eventJson));
        using var output = new MemoryStream();
        await LambdaEventProcessor.ProcessAsync(host.Services, input, output);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
