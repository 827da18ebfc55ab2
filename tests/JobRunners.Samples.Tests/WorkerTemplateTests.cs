using JobRunners.Worker.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JobRunners.Samples.Tests;

/// <summary>
/// The README's advice, followed as written: the application dispatches its job, and the worker template, run as a
/// separate process with <c>JOB_RUNNER</c> and the connection settings in its environment, runs the job's handler.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class WorkerTemplateTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Postgres_TemplateWorkerProcess_RunsTheApplicationsJob()
    {
        var schema = TestServices.NewSchemaName();
        try
        {
            await RunJobThroughWorkerAsync("postgres", schema, new Dictionary<string, string>());
        }
        finally
        {
            await TestServices.DropSchemaAsync(schema);
        }
    }

    [Test]
    public async Task AwsSqs_TemplateWorkerProcess_RunsTheApplicationsJob()
    {
        var schema = TestServices.NewSchemaName();
        var queueUrl = await TestServices.CreateQueueAsync();
        try
        {
            await RunJobThroughWorkerAsync("aws-sqs", schema, new Dictionary<string, string>
            {
                ["JOBRUNNERS_SQS_QUEUE_URL"] = queueUrl,
                ["AWS_REGION"] = TestServices.AwsRegion,
                ["AWS_ENDPOINT_URL_SQS"] = TestServices.SqsServiceUrl,
                ["AWS_ACCESS_KEY_ID"] = TestServices.AwsAccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = TestServices.AwsSecretAccessKey,
            });
        }
        finally
        {
            await TestServices.DeleteQueueAsync(queueUrl);
            await TestServices.DropSchemaAsync(schema);
        }
    }

    /// <summary>
    /// Starts a dispatching host (worker off) and the template's process with the same settings, dispatches the
    /// template's example job, and waits for its row to finish.
    /// </summary>
    private static async Task RunJobThroughWorkerAsync(string runner, string schema, Dictionary<string, string> runnerSettings)
    {
        var environment = new Dictionary<string, string>(runnerSettings)
        {
            ["JOB_RUNNER"] = runner,
            ["ConnectionStrings__JobRunners"] = TestServices.PostgresConnectionString,
            ["JobRunners__PostgreSql__Schema"] = schema,
        };

        // The application: it dispatches only, so its settings name the same runner and store without a worker.
        using var app = BuildDispatchingHost(environment);
        await app.StartAsync();
        try
        {
            await using var worker = await WorkerTemplateProcess.StartAsync(environment);
            var jobs = app.Services.GetRequiredService<IJobRunner>();
            var store = app.Services.GetRequiredService<IJobStore>();

            var dispatched = await jobs.DispatchJobAsync(WelcomeEmail.JobType, new WelcomeEmail("ada@example.com", "Ada"));
            var row = await WaitForFinalAsync(store, dispatched.Id, worker);

            Assert.Multiple(() =>
            {
                Assert.That(row.Status, Is.EqualTo(JobStatus.Succeeded), $"{row.LastError}{Environment.NewLine}{worker.Output}");
                Assert.That(row.ResultMessage, Is.EqualTo("welcomed Ada at ada@example.com"));
                Assert.That(row.Attempts, Is.EqualTo(1));
            });
            Assert.That(await worker.StopAsync(), Is.Zero, $"exit code after SIGTERM{Environment.NewLine}{worker.Output}");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static IHost BuildDispatchingHost(Dictionary<string, string> environment)
    {
        // Environment-variable names map to configuration keys as the host maps them (__ is the section separator).
        var settings = environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
        settings["JobRunners:Worker:Enabled"] = "false";

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddJobRunners(jobs => jobs
            .UsePostgreSql()
            .AddPostgreSqlRunner()
            .AddAwsSqsRunner()
            .AddJob<WelcomeEmail, WelcomeEmailHandler>(WelcomeEmail.JobType));
        return builder.Build();
    }

    /// <summary>Reads the row until its status is final; fails with the worker's output on timeout.</summary>
    private static Task<JobRequest> WaitForFinalAsync(IJobStore store, long id, WorkerTemplateProcess worker) =>
        JobRunners.Conformance.StoreWaits.UntilFinalAsync(store, id, Timeout, () => "Worker output:" + Environment.NewLine + worker.Output);
}
