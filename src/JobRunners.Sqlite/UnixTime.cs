namespace JobRunners.Sqlite;

/// <summary>Timestamps are stored as INTEGER unix milliseconds, UTC: sortable, comparable and readable by any tool.</summary>
internal static class UnixTime
{
    public static long ToMilliseconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? ToMilliseconds(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMilliseconds(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromMilliseconds(long? value) =>
        value is { } milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;
}
