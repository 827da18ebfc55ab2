namespace JobRunners;

/// <summary>What an <see cref="JobTypeOptions.OnError"/> hook decides about a failed attempt.</summary>
public readonly record struct RetryDecision
{
    private RetryDecision(DateTimeOffset? retryAt, bool giveUp)
    {
        At = retryAt;
        GiveUp = giveUp;
    }

    /// <summary>The time to retry at, when the hook chose one.</summary>
    public DateTimeOffset? At { get; }

    /// <summary>True when the hook gave up: the job fails now, whatever attempts remain.</summary>
    public bool GiveUp { get; }

    /// <summary>Follow the retry policy.</summary>
    public static RetryDecision UsePolicy => default;

    /// <summary>Fail the job now.</summary>
    public static RetryDecision Fail => new(null, true);

    /// <summary>Retry at this time (even when the policy's attempts are used up, as long as attempts remain in the row).</summary>
    public static RetryDecision RetryAt(DateTimeOffset at) => new(at, false);
}
