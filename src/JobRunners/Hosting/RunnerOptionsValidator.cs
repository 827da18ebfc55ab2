using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobRunners.Hosting;

/// <summary>
/// Checks a runner's settings whenever they are built and, through <c>ValidateOnStart</c>, when the host starts,
/// before any hosted service runs: every problem at once, each naming the setting and its flat name. Only the
/// selected runner's settings are checked: an application registers several runners and picks one per deployment
/// with <c>JOB_RUNNER</c>, and the others' settings are allowed to be missing. A failed check throws
/// <see cref="RunnerNotConfiguredException"/>, the exception a runner that is not fully configured has always
/// stopped the start with, rather than returning a failure the options framework would wrap in an
/// <see cref="OptionsValidationException"/>: callers keep one exception type and its list of settings.
/// </summary>
internal sealed class RunnerOptionsValidator<TOptions>(
    string runnerName,
    IServiceProvider services,
    Func<IServiceProvider, TOptions, IEnumerable<MissingSetting>> check) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name != Options.DefaultName || !IsSelected())
        {
            return ValidateOptionsResult.Skip;
        }

        var missing = check(services, options).ToList();
        return missing.Count == 0
            ? ValidateOptionsResult.Success
            : throw new RunnerNotConfiguredException(new RunnerConfiguration(runnerName, missing));
    }

    private bool IsSelected()
    {
        try
        {
            return string.Equals(services.GetRequiredService<SelectedRunner>().Name, runnerName, StringComparison.OrdinalIgnoreCase);
        }
        catch (UnknownRunnerException)
        {
            // The start check reports the unknown runner; these settings belong to none that is selected.
            return false;
        }
    }
}
