namespace JobRunners.Extensibility;

/// <summary>What one maintenance round did (see <see cref="JobMaintenance"/>).</summary>
/// <param name="Rescued">Rows whose worker died (lapsed lease): queued again in their place, or failed when no attempts remained.</param>
/// <param name="Resent">Rows the outbox handed to the runner: never accepted by the backend, retries handed back, and rescued rows.</param>
/// <param name="Left">Rows the outbox could not hand over this round (the backend refused); the next round tries again.</param>
/// <param name="Redelivered">Rows sent again because their message was lost, or a late dispatch mark hid a retry.</param>
/// <param name="Adopted">Queued rows another runner had accepted, now sent through this process's runner.</param>
/// <param name="Pruned">Finished rows deleted past their retention.</param>
public sealed record MaintenanceRound(int Rescued, int Resent, int Left, int Redelivered, int Adopted, int Pruned);
