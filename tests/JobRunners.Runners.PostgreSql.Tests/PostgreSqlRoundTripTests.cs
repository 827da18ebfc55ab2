using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>
/// How many statements the runner sends to PostgreSQL, counted command by command through Npgsql's own tracing
/// (its <c>Npgsql</c> <see cref="ActivitySource"/>): a count, not a time, so it holds on a busy machine.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PostgreSqlRoundTripTests : PostgreSqlTestBase
{
    [Test]
    public async Task DrainAsync_HundredNoOpJobs_AtMostTwoStatementsPerTenJobs()
    {
        const int jobs = 100;
        await using (var dispatcher = await StartHostAsync(DispatchOnly()))
        {
            var results = await dispatcher.Runner.DispatchJobsAsync(Enumerable.Range(0, jobs).Select(i => new JobDispatch(TestJobs.Noop, new TestPayload("rt", i))).ToList());
            Assert.That(results.All(r => r.Succeeded), Is.True);
        }

        // Only this drain runs: no hosted worker, no scheduler, maintenance far away.
        await using var host = await StartHostAsync(DispatchOnly(
            ("JobRunners:PostgreSql:Concurrency", "50"),
            ("JobRunners:PostgreSql:BatchSize", "50"),
            ("JobRunners:Scheduler:Enabled", "false"),
            ("JobRunners:MaintenanceInterval", "01:00:00")));
        var drain = host.Services.GetRequiredService<PostgreSqlWorkerRunner>();

        var (result, statements) = await CountStatementsAsync(() => drain.DrainAsync());

        await TestContext.Out.WriteLineAsync($"Draining {jobs} no-op jobs took {statements.Count} statements:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", statements.Select(s => s.Split('\n')[0].Trim()))}");
        Assert.Multiple(async () =>
        {
            Assert.That(result.JobsSucceeded, Is.EqualTo(jobs));
            Assert.That(await CountAsync("status <> 'succeeded'"), Is.Zero);
            Assert.That(statements, Has.Count.LessThanOrEqualTo(jobs * 2 / 10), "at most 2 statements per 10 jobs");
        });
    }

    [Test]
    public async Task DispatchJobAsync_OneJob_OneStatement()
    {
        await using var host = await StartHostAsync(DispatchOnly(("JobRunners:Scheduler:Enabled", "false"), ("JobRunners:MaintenanceInterval", "01:00:00")));

        var (_, statements) = await CountStatementsAsync(async () => await host.Runner.DispatchJobAsync(TestJobs.Noop, new TestPayload("one")));

        Assert.That(statements, Has.Count.EqualTo(1), string.Join(Environment.NewLine, statements));
        Assert.That(statements[0], Does.Contain("INSERT INTO").And.Contain("pg_notify"), "the row and the workers' wake-up in one statement");
    }

    [Test]
    public async Task DispatchJobsAsync_ThousandJobs_OneStatement()
    {
        await using var host = await StartHostAsync(DispatchOnly(("JobRunners:Scheduler:Enabled", "false"), ("JobRunners:MaintenanceInterval", "01:00:00")));
        var batch = Enumerable.Range(0, 1000).Select(i => new JobDispatch(TestJobs.Noop, new TestPayload("batch", i))).ToList();

        var (results, statements) = await CountStatementsAsync(async () => await host.Runner.DispatchJobsAsync(batch));

        Assert.That(results.All(r => r.Succeeded), Is.True);
        Assert.That(statements, Has.Count.EqualTo(1), string.Join(Environment.NewLine, statements));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a trace of its own and collects the text of every command Npgsql sends
    /// within it (including work it starts, such as batched writes), and nothing from other tests or hosted services.
    /// </summary>
    private static async Task<(T Result, List<string> Statements)> CountStatementsAsync<T>(Func<Task<T>> work)
    {
        var statements = new ConcurrentQueue<string>();
        ActivityTraceId? trace = null;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                // Commands carry their text; opening a physical connection is traced too, but is no statement.
                if (activity.TraceId == trace && activity.GetTagItem("db.query.text") is string text)
                {
                    statements.Enqueue(text);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        T result;
        using (var root = new Activity("counted").Start())
        {
            trace = root.TraceId;
            result = await work();
        }

        return (result, statements.ToList());
    }
}
