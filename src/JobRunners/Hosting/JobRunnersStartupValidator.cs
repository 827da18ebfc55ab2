using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobRunners.Hosting;

/// <summary>
/// Checks the shared settings whenever they are read, and, through <c>ValidateOnStart</c>, when the host starts,
/// before any hosted service runs: every problem at once, each naming the setting.
/// </summary>
internal sealed class JobRunnersOptionsValidator : IValidateOptions<JobRunnersOptions>
{
    public ValidateOptionsResult Validate(string? name, JobRunnersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>
/// A start-time check with no settings of its own: that the configured runner is registered
/// (<see cref="UnknownRunnerException"/>) and has what it needs (<see cref="RunnerNotConfiguredException"/>). It is
/// an options validator so <c>ValidateOnStart</c> runs it before any hosted service starts.
/// </summary>
internal sealed class RunnerStartupCheck
{
}

/// <summary>Builds the selected runner, which throws when it is unknown or not fully configured.</summary>
internal sealed class RunnerStartupCheckValidator(IServiceProvider services) : IValidateOptions<RunnerStartupCheck>
{
    public ValidateOptionsResult Validate(string? name, RunnerStartupCheck options)
    {
        services.GetRequiredService<IJobRunner>();
        return ValidateOptionsResult.Success;
    }
}

/// <summary>
/// A start-time check with no settings of its own: that a store was chosen (<c>UseSqlite</c>, <c>UsePostgreSql</c>,
/// <c>UseStore</c>) and can be built from its settings, before any hosted service starts.
/// </summary>
internal sealed class StoreStartupCheck
{
}

/// <summary>Builds the job store, which throws when none was chosen or its settings are missing.</summary>
internal sealed class StoreStartupCheckValidator(IServiceProvider services) : IValidateOptions<StoreStartupCheck>
{
    public ValidateOptionsResult Validate(string? name, StoreStartupCheck options)
    {
        services.GetRequiredService<IJobStore>();
        return ValidateOptionsResult.Success;
    }
}
