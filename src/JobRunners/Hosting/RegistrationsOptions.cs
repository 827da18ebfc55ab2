using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace JobRunners.Hosting;

/// <summary>
/// Binds options from a section of the registrations' configuration (or, when no <c>AddJobRunners</c> call gave one,
/// the container's <see cref="IConfiguration"/>), read when the options are built, not when they are registered;
/// <paramref name="readFlatNames"/> reads flat names in the same step, so one precedence rule (the later
/// configuration source wins) holds for both spellings.
/// </summary>
internal sealed class BindFromRegistrations<TOptions>(
    JobRunnersRegistrations registrations,
    IServiceProvider services,
    string sectionName,
    Action<IConfiguration, TOptions>? readFlatNames) : IConfigureOptions<TOptions>
    where TOptions : class
{
    public void Configure(TOptions options)
    {
        var configuration = registrations.ConfigurationFor(services);
        configuration.GetSection(sectionName).Bind(options);
        readFlatNames?.Invoke(configuration, options);
    }
}

/// <summary>Fills what configuration and code left unset, from the registrations' configuration, after every other step.</summary>
internal sealed class FillFromRegistrations<TOptions>(
    JobRunnersRegistrations registrations,
    IServiceProvider services,
    Action<IConfiguration, TOptions> fillUnset) : IPostConfigureOptions<TOptions>
    where TOptions : class
{
    public void PostConfigure(string? name, TOptions options)
    {
        if (name == Options.DefaultName)
        {
            fillUnset(registrations.ConfigurationFor(services), options);
        }
    }
}

/// <summary>Tells <see cref="IOptionsMonitor{TOptions}"/> when the registrations' configuration reloads.</summary>
internal sealed class ReloadFromRegistrations<TOptions>(JobRunnersRegistrations registrations, IServiceProvider services) : IOptionsChangeTokenSource<TOptions>
{
    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => registrations.ConfigurationFor(services).GetReloadToken();
}
