namespace JobRunners;

/// <summary>A payload failed validation at dispatch: every failing field is named.</summary>
public sealed class PayloadValidationException : JobRunnerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">"task" or "job".</param>
    /// <param name="name">The task or job name.</param>
    /// <param name="errors">Every problem found.</param>
    public PayloadValidationException(string kind, string name, IReadOnlyList<PayloadError> errors)
        : base($"The payload for {kind} '{name}' is invalid: {string.Join("; ", errors)}.")
    {
        Kind = kind;
        Name = name;
        Errors = errors;
    }

    /// <summary>"task" or "job".</summary>
    public string Kind { get; }

    /// <summary>The task or job name.</summary>
    public string Name { get; }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<PayloadError> Errors { get; }
}
