using System.ComponentModel.DataAnnotations;

namespace JobRunners.Worker.Jobs;

/// <summary>The example job's payload. Replace the files of this folder with your own jobs.</summary>
/// <param name="Address">Where the email goes.</param>
/// <param name="Name">How the email greets the reader.</param>
public sealed record WelcomeEmail([Required, EmailAddress] string Address, string Name = "there")
{
    /// <summary>The job type the example job is registered and dispatched under.</summary>
    public const string JobType = "send-welcome-email";
}
