namespace JobRunners.Benchmarks.Growth;

/// <summary>One system's way of taking the next job off a queue of known size (scenario 4).</summary>
internal interface IClaimPath : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Empties the system's queue and fills it with <paramref name="rows"/> due jobs.</summary>
    Task FillAsync(int rows);

    /// <summary>Claims one job; returns the time the claim took (the job's completion is not timed).</summary>
    Task<TimeSpan> ClaimOneAsync();
}
