using System.ComponentModel.DataAnnotations;

namespace JobRunners.Cli.Demo;

/// <summary>Says hello; succeeds at once.</summary>
internal sealed record GreetPayload([Required] string Name);

/// <summary>Resizes images one by one, reporting progress.</summary>
internal sealed record ResizeImagesPayload([Range(1, 100)] int Images = 10, [Range(0, 10_000)] int MillisecondsPerImage = 250);

/// <summary>
/// Syncs a warehouse; the demo's upstream is flaky and fails the first attempts. The account number is a secret:
/// the CLI shows it as ***.
/// </summary>
internal sealed record SyncInventoryPayload([Required] string Warehouse, [Range(0, 10)] int FailingAttempts = 2, [property: Sensitive] string? AccountNumber = null);

/// <summary>Charges a card; the demo's card is always declined.</summary>
internal sealed record ChargeCardPayload([Required, StringLength(4, MinimumLength = 4)] string CardLast4, [Range(0.01, 100_000)] decimal Amount);

/// <summary>Sends an e-mail: a fire-and-forget task.</summary>
internal sealed record SendEmailPayload([Required, EmailAddress] string To, string Subject = "Hello");

/// <summary>Builds a report, then dispatches a follow-up job from inside the job.</summary>
internal sealed record NightlyReportPayload([Required] string Day);
