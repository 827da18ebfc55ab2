using JobRunners.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>Wires the dashboard into an ASP.NET Core application.</summary>
public static class JobRunnersDashboardExtensions
{
    /// <summary>Adds the dashboard's services (options, antiforgery). <c>AddJobRunners</c> must be called too.</summary>
    public static IServiceCollection AddJobRunnersDashboard(this IServiceCollection services, Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        var options = services.AddOptions<DashboardOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.PageSize is >= 1 and <= 500, "DashboardOptions.PageSize must be 1 to 500.")
            .Validate(o => o.PollInterval >= TimeSpan.Zero, "DashboardOptions.PollInterval must not be negative (zero turns polling off).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Title), "DashboardOptions.Title must not be empty.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Maps the dashboard's pages under <paramref name="prefix"/> (default <c>/jobs</c>) and returns their route group,
    /// so <c>.RequireAuthorization(policy)</c> applies to every page and action. By default only requests from this
    /// machine are served (see <see cref="DashboardOptions.AllowRemote"/>).
    /// </summary>
    public static RouteGroupBuilder MapJobRunnersDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/jobs")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (!prefix.StartsWith('/'))
        {
            throw new ArgumentException($"The dashboard's prefix must start with '/', such as \"/jobs\" (got \"{prefix}\").", nameof(prefix));
        }

        if (endpoints.ServiceProvider.GetService<IOptions<DashboardOptions>>() is null)
        {
            throw new InvalidOperationException("Call services.AddJobRunnersDashboard() before app.MapJobRunnersDashboard(...).");
        }

        var group = endpoints.MapGroup(prefix.TrimEnd('/'));
        group.AddEndpointFilter(LocalOnly.FilterAsync);
        DashboardEndpoints.Map(group, prefix.TrimEnd('/'));
        return group;
    }
}
