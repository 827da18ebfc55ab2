using Microsoft.Extensions.Configuration;

namespace JobRunners.Cli;

/// <summary>
/// Where the CLI's settings come from, lowest precedence first: appsettings.json beside the program (a copy of
/// config/appsettings.json), config/appsettings.json and appsettings.json in the current directory,
/// appsettings.{DOTNET_ENVIRONMENT}.json, environment variables, then <c>--set KEY=VALUE</c> options.
/// </summary>
internal static class CliConfiguration
{
    public static IConfigurationRoot Build(IEnumerable<string>? overrides = null)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "config", "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        if (!string.IsNullOrEmpty(environment))
        {
            builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "config", $"appsettings.{environment}.json"), optional: true)
                .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), $"appsettings.{environment}.json"), optional: true);
        }

        builder.AddEnvironmentVariables();
        var pairs = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in overrides ?? [])
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--set takes KEY=VALUE, got '{item}': e.g. --set JOB_RUNNER=sync, or --set KEY= for an empty value.");
            }

            pairs[item[..equals].Trim()] = item[(equals + 1)..];
        }

        return builder.AddInMemoryCollection(pairs).Build();
    }
}
