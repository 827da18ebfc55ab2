namespace JobRunners;

/// <summary>
/// How a failing job is retried: up to <see cref="MaxAttempts"/> attempts, waiting an exponentially growing,
/// jittered delay between them.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>Attempts in all, including the first (default 3). 1 means no retry.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The delay before the second attempt (default 5 s).</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The delay multiplies by this after each attempt (default 2).</summary>
    public double Multiplier { get; set; } = 2;

    /// <summary>No delay grows beyond this (default 1 h).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Each delay is spread by up to this fraction either way, so retries of many jobs do not arrive together (default 0.2).</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>The delay after attempt number <paramref name="attempt"/> failed (1-based).</summary>
    /// <param name="attempt">The attempt that failed.</param>
    /// <param name="random">A number in [0, 1) for the jitter.</param>
    public TimeSpan DelayAfter(int attempt, double random)
    {
        var exponent = Math.Max(0, attempt - 1);
        var raw = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, exponent);
        var capped = Math.Min(raw, MaxDelay.TotalMilliseconds);
        var jittered = capped * (1 + (Jitter * ((2 * random) - 1)));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, 0, MaxDelay.TotalMilliseconds));
    }

    /// <summary>Every problem with the settings, for startup validation.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        if (MaxAttempts < 1)
        {
            yield return $"{prefix}:MaxAttempts must be at least 1 (got {MaxAttempts}).";
        }

        if (InitialDelay < TimeSpan.Zero)
        {
            yield return $"{prefix}:InitialDelay must not be negative (got {InitialDelay}).";
        }

        if (Multiplier < 1)
        {
            yield return $"{prefix}:Multiplier must be at least 1 (got {Multiplier}).";
        }

        if (MaxDelay < InitialDelay)
        {
            yield return $"{prefix}:MaxDelay ({MaxDelay}) must not be below InitialDelay ({InitialDelay}).";
        }

        if (Jitter is < 0 or > 1)
        {
            yield return $"{prefix}:Jitter must be between 0 and 1 (got {Jitter}).";
        }
    }
}
