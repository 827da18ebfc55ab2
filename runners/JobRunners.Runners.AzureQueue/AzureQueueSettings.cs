using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace JobRunners.Runners.AzureQueue;

/// <summary>Reads the runner's settings by either of their names and lists every missing or unusable setting.</summary>
internal static partial class AzureQueueSettings
{
    public const string ConnectionStringKey = AzureQueueOptions.SectionName + ":ConnectionString";
    public const string ConnectionStringFlat = "AZURE_STORAGE_CONNECTION_STRING";
    public const string ConnectionStringsKey = "ConnectionStrings:AzureStorage";
    public const string QueueNameKey = AzureQueueOptions.SectionName + ":QueueName";
    public const string QueueNameFlat = "JOBRUNNERS_AZURE_QUEUE_NAME";

    /// <summary>The longest per-try timeout accepted: past it a dead service holds callers for many minutes.</summary>
    public static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Fills the connection string and queue name by their hierarchical keys or flat names, whichever the later
    /// configuration source sets; the application-wide <c>ConnectionStrings:AzureStorage</c> is used when neither is.
    /// </summary>
    public static void ApplyFlatNames(IConfiguration configuration, AzureQueueOptions options)
    {
        options.ConnectionString = FlatNames.Read(configuration, ConnectionStringKey, ConnectionStringFlat)
            ?? FlatNames.Read(configuration, ConnectionStringsKey)
            ?? options.ConnectionString;
        options.QueueName = FlatNames.Read(configuration, QueueNameKey, QueueNameFlat) ?? options.QueueName;
    }

    /// <summary>
    /// Every setting that is missing or unusable, by the name a user sets. With <paramref name="clientSupplied"/>
    /// (the application registered its own <c>QueueServiceClient</c>) no connection string is needed.
    /// </summary>
    public static IReadOnlyList<MissingSetting> Check(AzureQueueOptions options, bool clientSupplied = false)
    {
        var missing = new List<MissingSetting>();
        if (clientSupplied)
        {
            // The application's client carries the account and its credentials.
        }
        else if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            missing.Add(new MissingSetting(ConnectionStringKey, $"not set: set {ConnectionStringFlat} (or {ConnectionStringKey}, or {ConnectionStringsKey}) to the storage account's connection string; UseDevelopmentStorage=true for a local Azurite"));
        }
        else if (ParseError(options.ConnectionString) is { } error)
        {
            missing.Add(new MissingSetting(ConnectionStringKey, $"is not a usable storage connection string ({error})"));
        }

        if (string.IsNullOrWhiteSpace(options.QueueName))
        {
            missing.Add(new MissingSetting(QueueNameKey, $"not set: set {QueueNameFlat} (or {QueueNameKey}) to the queue's name"));
        }
        else if (!IsQueueName(options.QueueName, string.IsNullOrWhiteSpace(options.PoisonQueueName) ? 56 : 63))
        {
            missing.Add(new MissingSetting(QueueNameKey, $"'{options.QueueName}' is not a valid queue name: use 3 to 56 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (the poison queue adds '-poison')"));
        }

        if (!string.IsNullOrWhiteSpace(options.PoisonQueueName) && !IsQueueName(options.PoisonQueueName, 63))
        {
            missing.Add(new MissingSetting(AzureQueueOptions.SectionName + ":PoisonQueueName", $"'{options.PoisonQueueName}' is not a valid queue name: use 3 to 63 lowercase letters, digits and single hyphens"));
        }

        if (options.MaxDequeueCount < 1)
        {
            missing.Add(new MissingSetting(AzureQueueOptions.SectionName + ":MaxDequeueCount", $"must be at least 1 (got {options.MaxDequeueCount})"));
        }

        if (options.SendConcurrency < 1)
        {
            missing.Add(new MissingSetting(AzureQueueOptions.SectionName + ":SendConcurrency", $"must be at least 1 (got {options.SendConcurrency})"));
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > MaxRequestTimeout)
        {
            missing.Add(new MissingSetting(AzureQueueOptions.SectionName + ":RequestTimeout", $"must be more than 0 and at most 5 minutes (got {options.RequestTimeout})"));
        }

        if (options.TaskTimeToLive is { } ttl && ttl < TimeSpan.FromSeconds(1))
        {
            missing.Add(new MissingSetting(AzureQueueOptions.SectionName + ":TaskTimeToLive", $"must be at least 1 second, or unset for messages that never expire (got {ttl})"));
        }

        const string worker = AzureQueueOptions.SectionName + ":Worker";
        if (options.Worker.VisibilityTimeout > AzureQueueTransport.MaxVisibility)
        {
            missing.Add(new MissingSetting(worker, $"{worker}:VisibilityTimeout must be at most 7 days (got {options.Worker.VisibilityTimeout})."));
        }

        missing.AddRange(options.Worker.Validate(worker).Select(problem => new MissingSetting(worker, problem)));
        return missing;
    }

    private static string? ParseError(string connectionString)
    {
        try
        {
            _ = new QueueServiceClient(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return ex.Message;
        }
    }

    private static bool IsQueueName(string name, int maxLength) =>
        name.Length >= 3 && name.Length <= maxLength && QueueNamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueNamePattern();
}
