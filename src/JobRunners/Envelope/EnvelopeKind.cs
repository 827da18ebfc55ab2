namespace JobRunners;

/// <summary>What an envelope carries.</summary>
public enum EnvelopeKind
{
    /// <summary>A tracked job: the envelope carries only the row id.</summary>
    Job,

    /// <summary>A fire-and-forget task: the envelope carries the payload.</summary>
    Task,
}
