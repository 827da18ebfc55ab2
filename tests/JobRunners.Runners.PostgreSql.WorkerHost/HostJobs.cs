using Npgsql;

namespace JobRunners.Runners.PostgreSql.WorkerHost;

/// <summary>
/// The jobs worker processes run in the tests, registered by the same names (and payload) in the test host that
/// dispatches them. Each execution is written to the test schema's <c>executions</c> table, which the test
/// counts: every job exactly once, which worker ran it, and on which attempt.
/// </summary>
public static class HostJobs
{
    /// <summary>Records its execution and returns.</summary>
    public const string Record = "host.record";

    /// <summary>Records its execution, then on its first attempt sleeps for the payload's milliseconds (to be killed mid-job).</summary>
    public const string SleepFirst = "host.sleep-first";

    /// <summary>The table executions are written to, in the test schema.</summary>
    public const string ExecutionsTable = "executions";

    /// <summary>The statement that creates <see cref="ExecutionsTable"/> in a schema.</summary>
    public static string CreateExecutionsTable(string schema) =>
        $"CREATE TABLE IF NOT EXISTS \"{schema}\".{ExecutionsTable} (job_id bigint NOT NULL, attempt int NOT NULL, worker text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())";

    /// <summary>Registers the jobs; <paramref name="dataSource"/> null registers them for dispatch only.</summary>
    public static JobRunnersBuilder AddHostJobs(this JobRunnersBuilder jobs, NpgsqlDataSource? dataSource, string schema, string worker)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return jobs
            .AddJob<HostPayload>(Record, async (_, context, ct) => await RecordAsync(dataSource, schema, worker, context, ct).ConfigureAwait(false))
            .AddJob<HostPayload>(SleepFirst, async (payload, context, ct) =>
            {
                await RecordAsync(dataSource, schema, worker, context, ct).ConfigureAwait(false);
                if (context.Attempt == 1)
                {
                    await Task.Delay(payload.SleepMilliseconds, ct).ConfigureAwait(false);
                }
            });
    }

    private static async Task RecordAsync(NpgsqlDataSource? dataSource, string schema, string worker, IJobContext context, CancellationToken cancellationToken)
    {
        if (dataSource is null)
        {
            throw new InvalidOperationException("This host only dispatches; it cannot run host jobs.");
        }

        var command = dataSource.CreateCommand($"INSERT INTO \"{schema}\".{ExecutionsTable} (job_id, attempt, worker) VALUES ($1, $2, $3)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = context.JobId });
            command.Parameters.Add(new NpgsqlParameter { Value = context.Attempt });
            command.Parameters.Add(new NpgsqlParameter { Value = worker });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
