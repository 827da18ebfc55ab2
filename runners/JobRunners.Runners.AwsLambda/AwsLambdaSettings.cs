using JobRunners.Runners.Aws;
using Microsoft.Extensions.Configuration;

namespace JobRunners.Runners.AwsLambda;

/// <summary>The runner's setting names, their flat names and environment fallbacks, and the checks on their values.</summary>
internal static class AwsLambdaSettings
{
    public const string FunctionName = AwsLambdaOptions.SectionName + ":FunctionName";
    public const string Region = AwsLambdaOptions.SectionName + ":Region";
    public const string ServiceUrl = AwsLambdaOptions.SectionName + ":ServiceUrl";
    public const string Qualifier = AwsLambdaOptions.SectionName + ":Qualifier";
    public const string AccessKeyId = AwsLambdaOptions.SectionName + ":AccessKeyId";
    public const string SecretAccessKey = AwsLambdaOptions.SectionName + ":SecretAccessKey";
    public const string SessionToken = AwsLambdaOptions.SectionName + ":SessionToken";
    public const string SqsServiceUrl = AwsLambdaOptions.SectionName + ":SqsServiceUrl";

    /// <summary>The name a missing-credentials report goes under: no single setting supplies them.</summary>
    public const string Credentials = "AWS credentials";

    /// <summary>The flat name Spoke used for the worker function.</summary>
    public const string WorkerFunctionFlat = "WORKER_LAMBDA_FUNCTION_NAME";

    /// <summary>
    /// Reads the settings that have a flat name of their own (before code-level configuration runs): the
    /// hierarchical key or the flat name, whichever the later configuration source sets.
    /// </summary>
    public static void ApplyOverrides(IConfiguration configuration, AwsLambdaOptions options)
    {
        options.FunctionName = FlatNames.Read(configuration, FunctionName, WorkerFunctionFlat) ?? Blank(options.FunctionName);
    }

    /// <summary>
    /// Fills what is still unset from the generic AWS names. These describe the environment rather than this
    /// library's choice, so an explicit <c>JobRunners:AwsLambda</c> value wins: inside a Lambda function
    /// <c>AWS_REGION</c> and <c>AWS_LAMBDA_FUNCTION_NAME</c> are always set (to the calling function) and could not
    /// be overridden otherwise.
    /// </summary>
    public static void ApplyFallbacks(IConfiguration configuration, AwsLambdaOptions options)
    {
        options.FunctionName = Blank(options.FunctionName) ?? Read(configuration, "AWS_LAMBDA_FUNCTION_NAME");
        options.Region = Blank(options.Region) ?? Read(configuration, "AWS_REGION", "AWS_DEFAULT_REGION");
        options.ServiceUrl = Blank(options.ServiceUrl) ?? Read(configuration, "AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL");
        options.SqsServiceUrl = Blank(options.SqsServiceUrl) ?? Read(configuration, "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL");
        options.Qualifier = Blank(options.Qualifier);

        // Keys and a profile chosen in the section win over the environment's keys, which inside a Lambda function
        // are always those of the function's own role.
        options.Profile = Blank(options.Profile);
        if (Blank(options.AccessKeyId) is null && Blank(options.SecretAccessKey) is null && options.Profile is null)
        {
            options.AccessKeyId = Read(configuration, "AWS_ACCESS_KEY_ID");
            options.SecretAccessKey = Read(configuration, "AWS_SECRET_ACCESS_KEY");
            options.SessionToken = Blank(options.SessionToken) ?? Read(configuration, "AWS_SESSION_TOKEN");
        }
        else
        {
            options.AccessKeyId = Blank(options.AccessKeyId);
            options.SecretAccessKey = Blank(options.SecretAccessKey);
            options.SessionToken = Blank(options.SessionToken);
        }

        options.Profile ??= Read(configuration, "AWS_PROFILE");
    }

    /// <summary>Every missing or unusable setting except credentials, which need resolving.</summary>
    public static List<MissingSetting> Check(AwsLambdaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var missing = new List<MissingSetting>();
        if (string.IsNullOrWhiteSpace(options.FunctionName))
        {
            missing.Add(new MissingSetting(FunctionName, $"the worker Lambda function to invoke, a name or ARN (environment: {WorkerFunctionFlat}, or AWS_LAMBDA_FUNCTION_NAME inside the function itself)."));
        }

        if (string.IsNullOrWhiteSpace(options.Region))
        {
            missing.Add(new MissingSetting(Region, "the AWS region of the worker function, e.g. eu-west-1 (environment: AWS_REGION or AWS_DEFAULT_REGION)."));
        }

        AddUrlProblem(missing, ServiceUrl, options.ServiceUrl, "AWS_ENDPOINT_URL_LAMBDA");
        AddUrlProblem(missing, SqsServiceUrl, options.SqsServiceUrl, "AWS_ENDPOINT_URL_SQS");
        if (options.MaxPayloadBytes < 1024)
        {
            missing.Add(new MissingSetting(AwsLambdaOptions.SectionName + ":MaxPayloadBytes", $"must be at least 1024 bytes (got {options.MaxPayloadBytes}); AWS accepts 1 MiB per asynchronous invocation."));
        }

        if (options.MaxConcurrentInvokes < 1)
        {
            missing.Add(new MissingSetting(AwsLambdaOptions.SectionName + ":MaxConcurrentInvokes", $"must be at least 1 (got {options.MaxConcurrentInvokes})."));
        }

        if (options.InvokeTimeout <= TimeSpan.Zero)
        {
            missing.Add(new MissingSetting(AwsLambdaOptions.SectionName + ":InvokeTimeout", $"must be positive (got {options.InvokeTimeout})."));
        }

        if (options.InvokeRetries is < 0 or > 10)
        {
            missing.Add(new MissingSetting(AwsLambdaOptions.SectionName + ":InvokeRetries", $"must be between 0 and 10 (got {options.InvokeRetries})."));
        }

        if (options.MaxInlineWait < TimeSpan.Zero)
        {
            missing.Add(new MissingSetting(AwsLambdaOptions.SectionName + ":MaxInlineWait", $"must not be negative (got {options.MaxInlineWait})."));
        }

        if (options.SqsConcurrency < 1)
        {
            missing.Add(new MissingSetting(AwsLambdaOptions.SectionName + ":SqsConcurrency", $"must be at least 1 (got {options.SqsConcurrency})."));
        }

        return missing;
    }

    /// <summary>
    /// What the runner's configuration check reports for <paramref name="options"/>: <see cref="Check"/> and, as
    /// the runner adds, credentials that cannot be found. The options check reports this once a setting is
    /// unusable, so the start names every problem at once; with usable settings, finding credentials (which depends
    /// on the machine, not the settings) is left to the runner's check when it is built.
    /// </summary>
    public static List<MissingSetting> CheckWithCredentials(AwsLambdaOptions options)
    {
        var missing = Check(options);
        if (AwsCredentialResolver.Resolve(Client(options)).Problem is { } problem)
        {
            missing.Add(new MissingSetting(Credentials, problem));
        }

        return missing;
    }

    /// <summary>
    /// The settings the runner finds its credentials from (the way the aws-sqs runner does) and builds its SQS
    /// clients from: each try bounded by <see cref="AwsLambdaOptions.InvokeTimeout"/>, retried
    /// <see cref="AwsLambdaOptions.InvokeRetries"/> times.
    /// </summary>
    public static AwsClientSettings Client(AwsLambdaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new AwsClientSettings(AwsLambdaOptions.SectionName)
        {
            Region = options.Region,
            ServiceUrl = options.ServiceUrl,
            Profile = options.Profile,
            AccessKeyId = options.AccessKeyId,
            SecretAccessKey = options.SecretAccessKey,
            SessionToken = options.SessionToken,
            Credentials = options.Credentials,
            RequestTimeout = options.InvokeTimeout,
            MaxErrorRetry = options.InvokeRetries,
        };
    }

    /// <summary>The settings of an SQS client for a queue in <paramref name="region"/>: <see cref="AwsLambdaOptions.SqsServiceUrl"/>, signed for that region.</summary>
    public static AwsClientSettings SqsClient(AwsLambdaOptions options, string region) =>
        Client(options) with { Region = region, ServiceUrl = options.SqsServiceUrl };

    /// <summary>The Invoke API's base address: the override, or the region's public endpoint.</summary>
    public static Uri Endpoint(string? serviceUrl, string region, string service) =>
        serviceUrl is { Length: > 0 }
            ? new Uri(serviceUrl.TrimEnd('/') + "/")
            : new Uri($"https://{service}.{region}.{(region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com")}/");

    private static void AddUrlProblem(List<MissingSetting> missing, string name, string? value, string flat)
    {
        if (value is { Length: > 0 } && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            missing.Add(new MissingSetting(name, $"'{value}' is not an absolute http(s) URL (environment: {flat})."));
        }
    }

    private static string? Read(IConfiguration configuration, params string[] names)
    {
        foreach (var name in names)
        {
            if (Blank(configuration[name]) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
