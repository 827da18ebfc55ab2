using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>
/// `jobrunners dashboard`: serves the dashboard against the configured store until Ctrl-C. The process is also the
/// selected runner's producer (and, for the in-process runner, its worker), so retry and run now work from the page.
/// </summary>
internal static class DashboardCommand
{
    public static Command Create(Option<string[]> set)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen (local addresses only are served).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var command = new Command("dashboard", "Serve the jobs dashboard on this machine (default http://127.0.0.1:5080/jobs) until Ctrl-C.") { urls };
        command.SetAction(async (result, ct) =>
        {
            var app = Build(CliConfiguration.Build(result.GetValue(set)), result.GetValue(urls)!);
            await using var disposeApp = app.ConfigureAwait(false);
            await app.StartAsync(ct).ConfigureAwait(false);
            foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                await Console.Out.WriteLineAsync($"Dashboard: {address.TrimEnd('/')}/jobs  (Ctrl-C to stop)").ConfigureAwait(false);
            }

            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static WebApplication Build(Microsoft.Extensions.Configuration.IConfiguration configuration, string urls)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls(urls);
        builder.Services.AddRoutingCore();
        CliHost.Configure(builder, configuration, LogLevel.Warning);
        builder.Services.AddJobRunnersDashboard();
        var app = builder.Build();
        app.UseRouting();
        app.MapJobRunnersDashboard("/jobs");
        app.MapGet("/", () => Microsoft.AspNetCore.Http.Results.Redirect("/jobs"));
        return app;
    }
}
