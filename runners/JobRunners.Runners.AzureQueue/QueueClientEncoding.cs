using System.Runtime.CompilerServices;
using Azure.Storage.Queues;

namespace JobRunners.Runners.AzureQueue;

/// <summary>
/// Reads the message encoding a queue client was built with. The SDK keeps it internal; the runner needs it to
/// tell an application whose own <see cref="QueueServiceClient"/> would write messages the runner's other
/// processes (and Azure Functions) cannot decode.
/// </summary>
internal static class QueueClientEncoding
{
    private const string ConfigurationType = "Azure.Storage.Queues.QueueClientConfiguration, Azure.Storage.Queues";

    /// <summary>The client's encoding, or null when this SDK version no longer keeps it where it used to.</summary>
    public static QueueMessageEncoding? Of(QueueClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return GetMessageEncoding(GetConfiguration(client));
        }
        catch (Exception ex) when (ex is MissingMemberException or TypeLoadException)
        {
            // A newer SDK moved it: the documentation still says what to set, and nothing else depends on this.
            return null;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_ClientConfiguration")]
    [return: UnsafeAccessorType(ConfigurationType)]
    private static extern object GetConfiguration(QueueClient client);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_MessageEncoding")]
    private static extern QueueMessageEncoding GetMessageEncoding([UnsafeAccessorType(ConfigurationType)] object configuration);
}
