using Npgsql;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>The connection string every S1 system gets for W workers.</summary>
internal static class SystemConnection
{
    /// <summary>Npgsql's default pool size (100), or W + 10 when W workers may each hold a connection.</summary>
    public static int PoolSize(int workers) => Math.Max(100, workers + 10);

    public static string ForWorkers(string connectionString, int workers) =>
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = PoolSize(workers) }.ConnectionString;
}
