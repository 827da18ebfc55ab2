using Microsoft.Extensions.Logging;

namespace JobRunners.Execution;

internal sealed class JobContext : TaskContext, IJobContext
{
    private readonly IJobStore _store;
    private readonly string _workerId;
    private readonly LeaseKeeper.Lease _lease;

    public JobContext(JobRequest job, IJobStore store, string workerId, ILogger logger, IServiceProvider services, LeaseKeeper.Lease lease, CancellationToken cancellationToken)
        : base(job.JobType, logger, services, cancellationToken)
    {
        JobId = job.Id;
        QueueName = job.QueueName;
        Attempt = job.Attempts;
        MaxAttempts = job.MaxAttempts;
        Retries = job.Retries;
        _store = store;
        _workerId = workerId;
        _lease = lease;
    }

    public long JobId { get; }

    public string QueueName { get; }

    public int Attempt { get; }

    public int MaxAttempts { get; }

    public int Retries { get; }

    public string? Result { get; private set; }

    public async ValueTask ReportProgressAsync(int percent, string? message = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (message is not null)
        {
            Result = message;
        }

        if (!await _store.ReportProgressAsync(JobId, _workerId, percent, message, cancellationToken).ConfigureAwait(false))
        {
            _lease.Lose();
        }
    }

    public void SetResult(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Result = message;
    }

    public async ValueTask ExtendLeaseAsync(TimeSpan extension, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(extension, TimeSpan.Zero);
        await _lease.ExtendAsync(extension, cancellationToken).ConfigureAwait(false);
    }
}
