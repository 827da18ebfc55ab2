using Npgsql;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>Polls a count query every few milliseconds until it satisfies a condition (used once the handlers ran).</summary>
internal static class StorePolling
{
    public static async Task WaitUntilAsync(NpgsqlDataSource source, string sql, Func<long, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using (var command = source.CreateCommand(sql))
            {
                var value = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
                if (done(value))
                {
                    return;
                }
            }

            await Task.Delay(2, cancellationToken);
        }
    }
}
