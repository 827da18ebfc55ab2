using Microsoft.Extensions.Configuration;

namespace JobRunners;

/// <summary>
/// Reads which runner the deployment chose: <c>JOB_RUNNER</c> or <c>JobRunners:Runner</c> (whichever comes from
/// the configuration source with the higher precedence), defaulting to <c>in-process</c> when neither is set; set
/// but empty is an error. <c>legacy</c> maps
/// Spoke's <c>JOBS_SYNC</c> / <c>JOBS_SAME_PROCESS</c> settings.
/// </summary>
internal static class RunnerSelection
{
    /// <summary>The flat setting name.</summary>
    public const string FlatKey = "JOB_RUNNER";

    /// <summary>The hierarchical setting name.</summary>
    public const string HierarchicalKey = "JobRunners:Runner";

    /// <summary>The runner used when nothing is set.</summary>
    public const string DefaultRunner = "in-process";

    /// <summary>The runner name as configured (before legacy mapping), and where it came from.</summary>
    public static (string Name, string Source) ReadConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Set but empty is a mistake (an unset variable in a deployment template), not a request for the default:
        // Resolve refuses it.
        return FlatNames.Find(configuration, blankIsUnset: false, HierarchicalKey, FlatKey) is { } found
            ? (found.Value.Trim(), found.Key)
            : (DefaultRunner, "default");
    }

    /// <summary>Resolves the runner to use among the registered ones.</summary>
    /// <exception cref="UnknownRunnerException">The configured name is not registered.</exception>
    public static string Resolve(IConfiguration configuration, IReadOnlyCollection<string> registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        var (name, source) = ReadConfigured(configuration);
        if (name.Length == 0)
        {
            throw new UnknownRunnerException(
                name,
                registered,
                $"{source} is set but empty: set it to one of the known runners, or remove the setting to use the default ({DefaultRunner}).");
        }

        if (!string.Equals(name, "legacy", StringComparison.OrdinalIgnoreCase))
        {
            var match = registered.FirstOrDefault(r => string.Equals(r, name, StringComparison.OrdinalIgnoreCase));
            return match ?? throw new UnknownRunnerException(name, registered, RegistrationHint(name));
        }

        var mapped = IsTruthy(configuration["JOBS_SYNC"]) ? "sync"
            : IsTruthy(configuration["JOBS_SAME_PROCESS"]) ? "in-process"
            : "postgres";
        return registered.Contains(mapped, StringComparer.OrdinalIgnoreCase)
            ? mapped
            : throw new UnknownRunnerException(
                "legacy",
                registered,
                $"JOB_RUNNER=legacy maps JOBS_SYNC=true to 'sync', JOBS_SAME_PROCESS=true to 'in-process', and neither to 'postgres', which needs the '{mapped}' runner registered; set JOBS_SYNC or JOBS_SAME_PROCESS, or register the {mapped} runner.");
    }

    private static string? RegistrationHint(string name) => name.ToUpperInvariant() switch
    {
        "POSTGRES" or "POSTGRESQL" => "Reference JobRunners.Runners.PostgreSql and call AddPostgreSqlRunner() in AddJobRunners.",
        "AWS-SQS" or "SQS" => "Reference JobRunners.Runners.AwsSqs and call AddAwsSqsRunner() in AddJobRunners.",
        "AZURE-QUEUE" => "Reference JobRunners.Runners.AzureQueue and call AddAzureQueueRunner() in AddJobRunners.",
        "AWS-LAMBDA" or "LAMBDA" => "Reference JobRunners.Runners.AwsLambda and call AddAwsLambdaRunner() in AddJobRunners.",
        _ => null,
    };

    private static bool IsTruthy(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1" || value.Equals("yes", StringComparison.OrdinalIgnoreCase));
}
