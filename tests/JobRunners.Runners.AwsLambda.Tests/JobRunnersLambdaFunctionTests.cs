using System.Text;
using System.Text.Json;
using JobRunners.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>The managed-runtime entry point: a derived function builds its host once and handles events.</summary>
[TestFixture]
public sealed class JobRunnersLambdaFunctionTests : LambdaTestBase
{
    [Test]
    public async Task HandleAsync_TaskEnvelopes_RunsThemWithOneHostBuiltOnce()
    {
        var path = Path.Combine(Path.GetTempPath(), $"jobrunners-fn-{Guid.NewGuid():N}.db");
        await using var function = new ProbeFunction(path);
        var keys = new[] { NewKey(), NewKey() };

        var answers = new List<JsonElement>();
        foreach (var key in keys)
        {
            var envelope = $$$"""{"v":1,"kind":"task","name":"{{{ProbeHandlers.CountTask}}}","payload":{"key":"{{{key}}}","count":1}}""";
            await using var answer = await function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(envelope)));
            answers.Add(JsonDocument.Parse(answer).RootElement.Clone());
        }

        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.GetProperty("status").GetString()), Is.All.EqualTo("Succeeded"));
            Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
            Assert.That(function.Configured, Is.EqualTo(1), "the host is built on the first invocation only");
        });
    }

    [Test]
    public async Task HandleAsync_AsTheForwardedFunction_RunsJobDispatchedByAnotherHostOnSharedStore()
    {
        var path = Path.Combine(Path.GetTempPath(), $"jobrunners-fn-{Guid.NewGuid():N}.db");
        await using var function = new ProbeFunction(path);
        await using var attachment = ForwardListener.Attach(async (input, output, ct) =>
        {
            await using var answer = await function.HandleAsync(input);
            await answer.CopyToAsync(output, ct);
        });
        await using var dispatcher = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:Sqlite:Path"] = path,
            ["Tests:ForwardTarget"] = "off",
        });
        var key = NewKey();

        var job = await dispatcher.Runner.DispatchJobAsync(ProbeHandlers.ProgressJob, new ProbePayload(key));
        var final = await dispatcher.WaitForFinalAsync(job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.LockedBy, Is.Not.Null.And.Not.EqualTo(dispatcher.Services.GetRequiredService<IOptions<JobRunnersOptions>>().Value.WorkerId), "run by the function's host, not the dispatcher");
            Assert.That(Probes.ObservedRow(key)?.Status, Is.EqualTo(JobStatus.Running));
            Assert.That(function.Configured, Is.EqualTo(1));
        });
    }

    /// <summary>What a user writes: the function's registrations, here the kit's probes on a given store.</summary>
    private sealed class ProbeFunction(string databasePath) : JobRunnersLambdaFunction
    {
        public int Configured { get; private set; }

        protected override void ConfigureServices(HostApplicationBuilder builder)
        {
            Configured++;
            var settings = new Dictionary<string, string?>
            {
                ["JOB_RUNNER"] = "aws-lambda",
                ["JobRunners:Sqlite:Path"] = databasePath,
                ["JobRunners:MaintenanceInterval"] = "00:00:00.500",
                ["JobRunners:OutboxGrace"] = "00:00:00.500",
            };
            LocalLambda.AddSettings(settings);
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddJobRunners(builder.Configuration, jobs => jobs.UseSqlite().AddAwsLambdaRunner().AddProbes());
        }
    }
}
