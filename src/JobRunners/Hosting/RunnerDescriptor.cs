using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Hosting;

/// <summary>A runner registered under a name: how to get its transport and what it adds to the container when selected.</summary>
internal sealed record RunnerDescriptor(
    string Name,
    Func<IServiceProvider, IJobTransport> Transport,
    Action<IServiceCollection>? ConfigureServices,
    Action<IServiceCollection>? ConfigureWorker);
