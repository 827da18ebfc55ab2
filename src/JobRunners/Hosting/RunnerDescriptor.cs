using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Hosting;

/// <summary>A runner registered under a name: how to build it and what it adds to the container when selected.</summary>
internal sealed record RunnerDescriptor(
    string Name,
    Func<IServiceProvider, IJobRunner> Factory,
    Action<IServiceCollection>? ConfigureServices,
    Action<IServiceCollection>? ConfigureWorker);
