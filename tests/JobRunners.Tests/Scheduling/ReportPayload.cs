using System.ComponentModel.DataAnnotations;

namespace JobRunners.Tests.Scheduling;

/// <summary>The payload of the tests' <c>report</c> job.</summary>
public sealed record ReportPayload([property: Required] string Name, [property: Range(1, 10)] int Copies = 1);
