namespace JobRunners;

/// <summary>A task or job registration is invalid (duplicate name, empty name, registration after startup).</summary>
public sealed class RegistrationException : JobRunnerException
{
    /// <summary>Creates the exception.</summary>
    public RegistrationException(string message) : base(message) { }
}
