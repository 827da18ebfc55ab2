namespace JobRunners.PostgreSql;

/// <summary>Which clock the PostgreSQL store times leases by: when a claim's lease ends, and when it has lapsed.</summary>
public enum PostgreSqlLeaseClock
{
    /// <summary>
    /// The database's clock when the store is given <see cref="TimeProvider.System"/>, otherwise the given
    /// <see cref="TimeProvider"/> (a fake clock in tests drives leases itself). The default.
    /// </summary>
    Auto,

    /// <summary>
    /// The database's <c>now()</c>: every process sets and compares lease ends on one clock, so a host whose clock runs
    /// ahead cannot rescue leases that are still live, and one whose clock runs behind cannot keep a lapsed one.
    /// </summary>
    Database,

    /// <summary>The store's <see cref="TimeProvider"/>, on every host that shares the database.</summary>
    TimeProvider,
}
