namespace JobRunners.PostgreSql;

/// <summary>How the PostgreSQL store reaches its database.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The default schema, <c>jobrunners</c>.</summary>
    public const string DefaultSchema = "jobrunners";

    /// <summary>
    /// The Npgsql connection string, usually bound from <c>ConnectionStrings:JobRunners</c>. Not used when the store
    /// is given an existing <c>NpgsqlDataSource</c>.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The schema holding the store's tables, created by the first migration. Letters, digits and underscores,
    /// not starting with a digit; used as written (case-sensitive). Default: <see cref="DefaultSchema"/>.
    /// </summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>
    /// Which clock times leases (default <see cref="PostgreSqlLeaseClock.Auto"/>: the database's own clock in
    /// production, the given <see cref="TimeProvider"/> when a test passes a fake one). Due times (<c>run_at</c>) and
    /// the other timestamps always come from the store's <see cref="TimeProvider"/>.
    /// </summary>
    public PostgreSqlLeaseClock LeaseClock { get; set; } = PostgreSqlLeaseClock.Auto;
}
