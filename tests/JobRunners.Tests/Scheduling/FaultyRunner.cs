using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Tests.Scheduling;

/// <summary>
/// Wraps the selected runner so chosen job dispatches throw, either before the row is written or after it (as when a
/// connection drops once the insert committed).
/// </summary>
internal sealed class FaultyRunner : IJobRunner
{
    private readonly IJobRunner _inner;
    private readonly Func<bool> _fail;
    private readonly bool _afterWrite;

    private FaultyRunner(IJobRunner inner, Func<bool> fail, bool afterWrite)
    {
        _inner = inner;
        _fail = fail;
        _afterWrite = afterWrite;
    }

    public string Name => _inner.Name;

    /// <summary>Replaces the registered <see cref="IJobRunner"/> with one wrapped in a faulty runner.</summary>
    public static void Decorate(IServiceCollection services, Func<bool> fail, bool afterWrite)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IJobRunner));
        services.Remove(registered);
        services.AddSingleton<IJobRunner>(sp => new FaultyRunner((IJobRunner)registered.ImplementationFactory!(sp), fail, afterWrite));
    }

    public RunnerConfiguration CheckConfiguration() => _inner.CheckConfiguration();

    public async ValueTask<JobRequest> DispatchJobAsync(string jobType, object payload, DispatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        var fail = _fail();
        if (fail && !_afterWrite)
        {
            throw new InvalidOperationException("The connection dropped before the row was written.");
        }

        var row = await _inner.DispatchJobAsync(jobType, payload, options, cancellationToken);
        return fail ? throw new InvalidOperationException("The connection dropped after the row was written.") : row;
    }

    public ValueTask DispatchTaskAsync(string taskName, object payload, CancellationToken cancellationToken = default) =>
        _inner.DispatchTaskAsync(taskName, payload, cancellationToken);
}
