using JobRunners.Diagnostics;
using JobRunners.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Extensibility;

/// <summary>
/// Keeps every accepted job moving, one round at a time: rescues rows whose worker died (lapsed lease), hands rows
/// the backend never accepted to the runner (the outbox), re-sends rows whose message was lost and adopts rows another
/// runner accepted (the reconciler), and prunes finished rows. A long-running host runs a round every
/// <see cref="JobRunnersOptions.MaintenanceInterval"/>; a deployment without one (a scheduled function) calls
/// <see cref="RunOnceAsync(bool, CancellationToken)"/>. Every send is safe to repeat: only the worker that wins a row's claim runs it.
/// </summary>
public sealed partial class JobMaintenance
{
    // Rows handed to the runner per batch call.
    private const int SendBatch = 100;

    private readonly IJobStore _store;
    private readonly JobDispatcher _runner;
    private readonly JobRegistry _registry;
    private readonly JobRunnersOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobMaintenance> _logger;
    private readonly StaleJobHooks _staleHooks;

    internal JobMaintenance(IJobStore store, JobDispatcher runner, JobRegistry registry, IOptions<JobRunnersOptions> options, TimeProvider time, ILogger<JobMaintenance> logger, StaleJobHooks staleHooks)
    {
        _store = store;
        _runner = runner;
        _registry = registry;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _staleHooks = staleHooks;
    }

    /// <summary>
    /// One round: one sweep of the store (rescue lapsed leases, list what the outbox must send), the outbox's sends,
    /// the reconciler's sends, and (when <paramref name="prune"/>) pruning.
    /// </summary>
    /// <param name="prune">Also delete finished rows past their retention.</param>
    /// <param name="cancellationToken">Stops the round.</param>
    public ValueTask<MaintenanceRound> RunOnceAsync(bool prune = false, CancellationToken cancellationToken = default) =>
        RunOnceAsync(prune, reconcile: true, cancellationToken);

    /// <summary>One round, with the reconciler's queries only when <paramref name="reconcile"/>.</summary>
    internal async ValueTask<MaintenanceRound> RunOnceAsync(bool prune, bool reconcile, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var sweep = await _store.SweepAsync(new SweepRequest { UndispatchedBefore = now - _options.OutboxGrace }, cancellationToken).ConfigureAwait(false);
        await _staleHooks.NotifyAsync(sweep.Rescued, cancellationToken).ConfigureAwait(false);
        foreach (var rescued in sweep.Rescued)
        {
            JobMetrics.Count(JobMetrics.Rescued, rescued.JobType, rescued.QueueName, rescued.Runner);
        }

        // Rescued rows that are queued again have no dispatched_at: the outbox hands them over with the others.
        var pending = sweep.Rescued.Where(r => r.Status == JobStatus.Queued).Concat(sweep.Undispatched).ToList();
        var (sent, refused) = await SendAsync(pending, cancellationToken).ConfigureAwait(false);
        if (sent.Count > 0)
        {
            HostingLog.OutboxResent(_logger, sent.Count, _runner.Name);
            foreach (var job in sent)
            {
                JobMetrics.Count(JobMetrics.Resent, job.JobType, job.QueueName, _runner.Name);
            }
        }

        var (redelivered, adopted) = refused is null && reconcile ? await ReconcileAsync(now, cancellationToken).ConfigureAwait(false) : (0, 0);
        var pruned = prune ? await PruneAsync(now, cancellationToken).ConfigureAwait(false) : 0;
        return new MaintenanceRound(sweep.Rescued.Count, sent.Count, pending.Count - sent.Count, redelivered, adopted, pruned);
    }

    /// <summary>
    /// Sends rows in batches; stops at the first batch with a refusal (the backend is failing: the rest stay queued
    /// for the next round rather than each failing in turn). Returns the rows accepted, and the first refusal.
    /// </summary>
    private async ValueTask<(List<JobRequest> Sent, Exception? Refused)> SendAsync(IReadOnlyList<JobRequest> rows, CancellationToken cancellationToken)
    {
        var sent = new List<JobRequest>(rows.Count);
        foreach (var batch in rows.Chunk(SendBatch))
        {
            IReadOnlyList<Exception?> errors;
            try
            {
                errors = await _runner.RedispatchManyAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors = [.. batch.Select(_ => ex)];
            }

            sent.AddRange(batch.Where((_, i) => errors[i] is null));
            if (errors.Select((e, i) => (e, i)).FirstOrDefault(x => x.e is not null) is ({ } error, var index))
            {
                HostingLog.RunnerRefusedJob(_logger, error, _runner.Name, batch[index].Id, batch[index].JobType);
                return (sent, error);
            }
        }

        return (sent, null);
    }

    private async Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pruned = 0;
        var custom = new List<string>();
        foreach (var jobType in _registry.JobNames)
        {
            if (_registry.FindJob(jobType)?.Options.Retention is { } retention)
            {
                custom.Add(jobType);
                pruned += await _store.PruneAsync(now - retention, jobType, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        // Everything else, including types registered only in other processes, keeps the global retention.
        return pruned + await _store.PruneAsync(now - _options.Retention, null, custom, cancellationToken).ConfigureAwait(false);
    }
}
