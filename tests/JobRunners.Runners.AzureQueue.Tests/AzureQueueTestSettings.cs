namespace JobRunners.Runners.AzureQueue.Tests;

/// <summary>The settings every test host gets.</summary>
internal static class AzureQueueTestSettings
{
    public static void Add(IDictionary<string, string?> settings, string queue)
    {
        settings["JobRunners:AzureQueue:ConnectionString"] = Azurite.ConnectionString;
        settings["JobRunners:AzureQueue:QueueName"] = queue;

        // An idle worker polls at most once a second (the default 5 s would only make the suite slower).
        settings["JobRunners:AzureQueue:Worker:MaxBackoff"] = "00:00:01";
    }
}
