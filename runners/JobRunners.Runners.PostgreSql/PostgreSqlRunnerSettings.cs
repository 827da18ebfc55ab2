using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace JobRunners.Runners.PostgreSql;

/// <summary>The runner's setting names, their flat names, and the checks on their values.</summary>
internal static partial class PostgreSqlRunnerSettings
{
    public const string ConnectionString = "ConnectionStrings:JobRunners";
    public const string Concurrency = PostgreSqlRunnerOptions.SectionName + ":Concurrency";
    public const string PollInterval = PostgreSqlRunnerOptions.SectionName + ":PollInterval";
    public const string ListenPollInterval = PostgreSqlRunnerOptions.SectionName + ":ListenPollInterval";
    public const string BatchSize = PostgreSqlRunnerOptions.SectionName + ":BatchSize";
    public const string JobTypes = PostgreSqlRunnerOptions.SectionName + ":JobTypes";
    public const string Queues = PostgreSqlRunnerOptions.SectionName + ":Queues";
    public const string Lease = PostgreSqlRunnerOptions.SectionName + ":Lease";
    public const string Listen = PostgreSqlRunnerOptions.SectionName + ":Listen";
    public const string Channel = PostgreSqlRunnerOptions.SectionName + ":Channel";
    public const string ShutdownTimeout = PostgreSqlRunnerOptions.SectionName + ":ShutdownTimeout";

    /// <summary>
    /// Reads each setting by its hierarchical key or its flat name (an environment variable such as
    /// <c>JOBRUNNERS_POSTGRES_CONCURRENCY</c>), whichever the later configuration source sets.
    /// </summary>
    public static void ApplyFlatNames(IConfiguration configuration, PostgreSqlRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.ReadProblems;
        problems.Clear();
        Apply<int>(configuration, Concurrency, TryParseInt, v => options.Concurrency = v, problems);
        Apply<TimeSpan>(configuration, PollInterval, TryParseDuration, v => options.PollInterval = v, problems);
        Apply<TimeSpan>(configuration, ListenPollInterval, TryParseDuration, v => options.ListenPollInterval = v, problems);
        Apply<int>(configuration, BatchSize, TryParseInt, v => options.BatchSize = v, problems);
        Apply<TimeSpan>(configuration, Lease, TryParseDuration, v => options.Lease = v, problems);
        Apply<bool>(configuration, Listen, TryParseBool, v => options.Listen = v, problems);
        Apply<TimeSpan>(configuration, ShutdownTimeout, TryParseDuration, v => options.ShutdownTimeout = v, problems);
        options.Channel = FlatNames.Read(configuration, Channel, Flat(Channel)) ?? Blank(options.Channel);

        // A list may also be given as one comma-separated value, by either name.
        ReplaceList(FlatNames.Read(configuration, JobTypes, Flat(JobTypes)), options.JobTypes);
        ReplaceList(FlatNames.Read(configuration, Queues, Flat(Queues)), options.Queues);
    }

    /// <summary>The flat name of a setting: <c>JobRunners:PostgreSql:PollInterval</c> is <c>JOBRUNNERS_POSTGRES_POLL_INTERVAL</c>.</summary>
    public static string Flat(string setting) =>
        "JOBRUNNERS_POSTGRES_" + CamelBoundary().Replace(setting[(PostgreSqlRunnerOptions.SectionName.Length + 1)..], "$1_$2").ToUpperInvariant();

    /// <summary>Every unusable value, by setting name.</summary>
    public static List<MissingSetting> Check(PostgreSqlRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<MissingSetting>(options.ReadProblems);
        if (options.Concurrency < 1)
        {
            problems.Add(new MissingSetting(Concurrency, $"must be at least 1 (got {options.Concurrency}; environment: {Flat(Concurrency)})."));
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            problems.Add(new MissingSetting(PollInterval, $"must be positive, e.g. 00:00:01 (got {options.PollInterval}; environment: {Flat(PollInterval)})."));
        }

        if (options.ListenPollInterval <= TimeSpan.Zero)
        {
            problems.Add(new MissingSetting(ListenPollInterval, $"must be positive, e.g. 00:00:30 (got {options.ListenPollInterval}; environment: {Flat(ListenPollInterval)})."));
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            problems.Add(new MissingSetting(BatchSize, $"must be between 1 and 1000 (got {options.BatchSize}; environment: {Flat(BatchSize)})."));
        }

        if (options.Lease is { } lease && lease < TimeSpan.FromSeconds(1))
        {
            problems.Add(new MissingSetting(Lease, $"must be at least 1 second (got {lease}; environment: {Flat(Lease)})."));
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            problems.Add(new MissingSetting(ShutdownTimeout, $"must not be negative (got {options.ShutdownTimeout})."));
        }

        if (options.Channel is { } channel && !ChannelName().IsMatch(channel))
        {
            problems.Add(new MissingSetting(Channel, $"'{channel}' is not a usable channel name: letters, digits and underscores, at most 63 (environment: {Flat(Channel)})."));
        }

        return problems;
    }

    /// <summary>
    /// <see cref="Check(PostgreSqlRunnerOptions)"/> and the <see cref="JobTypes"/> this process does not register (a worker runs only what
    /// it registers): what the runner reports about its settings.
    /// </summary>
    public static List<MissingSetting> Check(PostgreSqlRunnerOptions options, IReadOnlyCollection<string> registeredNames)
    {
        ArgumentNullException.ThrowIfNull(registeredNames);
        var problems = Check(options);
        var unknown = options.JobTypes.Where(name => !registeredNames.Contains(name)).ToList();
        if (unknown.Count > 0)
        {
            problems.Add(new MissingSetting(
                JobTypes,
                $"names {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which this process does not register as a job or task; a worker runs only what it registers."));
        }

        return problems;
    }

    private delegate bool Parser<T>(string text, out T value);

    private static void Apply<T>(IConfiguration configuration, string setting, Parser<T> parse, Action<T> set, List<MissingSetting> problems)
    {
        if (FlatNames.Find(configuration, blankIsUnset: true, setting, Flat(setting)) is not var (text, key))
        {
            return;
        }

        if (parse(text.Trim(), out var value))
        {
            set(value);
        }
        else
        {
            problems.Add(new MissingSetting(setting, $"'{text}' in {key} is not a valid {(typeof(T) == typeof(TimeSpan) ? "duration (e.g. 00:00:05)" : typeof(T) == typeof(bool) ? "true/false value" : "whole number")}."));
        }
    }

    private static bool TryParseDuration(string text, out TimeSpan value) => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);

    private static bool TryParseInt(string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static bool TryParseBool(string text, out bool value) => bool.TryParse(text, out value);

    private static void ReplaceList(string? commaSeparated, IList<string> target)
    {
        if (commaSeparated is null)
        {
            return;
        }

        target.Clear();
        foreach (var item in commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            target.Add(item);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("([a-z])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex CamelBoundary();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex ChannelName();
}
