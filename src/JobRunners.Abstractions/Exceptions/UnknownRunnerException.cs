namespace JobRunners;

/// <summary>JOB_RUNNER names a runner that is not registered.</summary>
public sealed class UnknownRunnerException : JobRunnerException
{
    /// <summary>Creates the exception, listing the runners that are registered.</summary>
    public UnknownRunnerException(string name, IReadOnlyCollection<string> known, string? hint = null)
        : base($"JOB_RUNNER is '{name}', which is not a known runner. Known runners: {string.Join(", ", known.Order(StringComparer.Ordinal))}.{(hint is null ? "" : " " + hint)}")
    {
        Name = name;
        Known = [.. known];
    }

    /// <summary>The name asked for.</summary>
    public string Name { get; }

    /// <summary>The registered runner names.</summary>
    public IReadOnlyCollection<string> Known { get; }
}
