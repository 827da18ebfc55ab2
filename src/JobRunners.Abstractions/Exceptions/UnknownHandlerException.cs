namespace JobRunners;

/// <summary>No task or job is registered under the name dispatched or received.</summary>
public sealed class UnknownHandlerException : JobRunnerException
{
    /// <summary>Creates the exception, listing the names that are registered.</summary>
    /// <param name="kind">"task" or "job".</param>
    /// <param name="name">The name that was not found.</param>
    /// <param name="known">The registered names of that kind.</param>
    public UnknownHandlerException(string kind, string name, IReadOnlyCollection<string> known)
        : base(BuildMessage(kind, name, known))
    {
        Kind = kind;
        Name = name;
        Known = known;
    }

    /// <summary>"task" or "job".</summary>
    public string Kind { get; }

    /// <summary>The name that was not found.</summary>
    public string Name { get; }

    /// <summary>The registered names of that kind.</summary>
    public IReadOnlyCollection<string> Known { get; }

    private static string BuildMessage(string kind, string name, IReadOnlyCollection<string> known) =>
        known.Count == 0
            ? $"No {kind} named '{name}' is registered, and no {kind}s are registered at all: register it with Add{Capitalize(kind)}(\"{name}\", ...) in AddJobRunners."
            : $"No {kind} named '{name}' is registered. Registered {kind}s: {string.Join(", ", known.Order(StringComparer.Ordinal))}.";

    private static string Capitalize(string kind) => kind.Length == 0 ? kind : char.ToUpperInvariant(kind[0]) + kind[1..];
}
