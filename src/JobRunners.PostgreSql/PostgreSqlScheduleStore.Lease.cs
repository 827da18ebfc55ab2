using System.Data;
using Dapper;
using JobRunners.Scheduling;
using Npgsql;

namespace JobRunners.PostgreSql;

/// <content>
/// The scheduler lease: which process leads. A candidate takes and renews the lease on a session it holds open while
/// it leads, and the lease row records that session; when the leader's process dies the server ends the session, and
/// another process takes the lease at its next attempt instead of waiting for the lease to expire. A leader cut off
/// from the server without dying keeps its session on the server until the server notices, so then the lease's
/// expiry decides, as before.
/// </content>
public sealed partial class PostgreSqlScheduleStore
{
    private readonly SemaphoreSlim _leaseGate = new(1, 1);
    private NpgsqlConnection? _leaseSession;

    /// <inheritdoc />
    public async ValueTask<bool> TryAcquireLeaseAsync(string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ScheduleArguments.ValidateLease(holder, duration);
        await _leaseGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_leaseSession is { State: not ConnectionState.Open })
            {
                await CloseLeaseSessionAsync().ConfigureAwait(false);
            }

            _leaseSession ??= await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
            var now = _timeProvider.GetUtcNow();
            var parameters = new { Holder = holder, Now = now, ExpiresAt = now + duration };
            bool leads;
            try
            {
                leads = await _db.RunOnAsync(
                    _leaseSession,
                    async (connection, token) => await connection.QuerySingleOrDefaultAsync<string>(Command(_sql.AcquireLease, parameters, token)).ConfigureAwait(false) is not null,
                    "schedule tables are",
                    cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await CloseLeaseSessionAsync().ConfigureAwait(false);
                throw;
            }

            // A follower holds no session: it opens one when it tries again.
            if (!leads)
            {
                await CloseLeaseSessionAsync().ConfigureAwait(false);
            }

            return leads;
        }
        finally
        {
            _leaseGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseLeaseAsync(string holder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var released = await ExecuteAsync(_sql.ReleaseLease, new { Holder = holder }, cancellationToken).ConfigureAwait(false);
        await _leaseGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CloseLeaseSessionAsync().ConfigureAwait(false);
        }
        finally
        {
            _leaseGate.Release();
        }

        return released;
    }

    /// <inheritdoc />
    public ValueTask<SchedulerLease?> GetLeaseAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
            (await connection.QuerySingleOrDefaultAsync<PostgreSqlLeaseRow>(Command(_sql.GetLease, null, token)).ConfigureAwait(false))?.ToLease(),
            cancellationToken);

    private async ValueTask CloseLeaseSessionAsync()
    {
        if (_leaseSession is { } session)
        {
            _leaseSession = null;
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
