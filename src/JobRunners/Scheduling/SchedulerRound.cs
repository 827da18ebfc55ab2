namespace JobRunners.Scheduling;

/// <summary>What one scheduler round did.</summary>
/// <param name="IsLeader">True when this process held the lease for the round.</param>
/// <param name="Dispatched">Runs dispatched (including unconfirmed runs finished for a previous leader).</param>
internal readonly record struct SchedulerRound(bool IsLeader, int Dispatched);
