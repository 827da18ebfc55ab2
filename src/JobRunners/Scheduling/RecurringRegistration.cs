namespace JobRunners.Scheduling;

/// <summary>A recurring job defined in code with <c>AddRecurring</c>; stored when the host starts.</summary>
internal sealed record RecurringRegistration(RecurringJob Job);
