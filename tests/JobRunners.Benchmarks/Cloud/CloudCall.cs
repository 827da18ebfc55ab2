namespace JobRunners.Benchmarks.Cloud;

/// <summary>One way of sending to a cloud queue: who sends, how many messages one call carries, and the call.</summary>
internal sealed record CloudCall(string Scenario, string System, int MessagesPerCall, Func<Task> Call);
