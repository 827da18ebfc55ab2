using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Demo;

/// <summary>
/// The jobrunners command's log events, 7000-7099 (the demo's jobs log through these too). Ids and names are
/// stable; docs/logging.md lists them.
/// </summary>
internal static partial class DemoLog
{
    [LoggerMessage(EventId = 7001, EventName = "DemoEmailSent", Level = LogLevel.Information,
        Message = "E-mail to {To}: {Subject}")]
    public static partial void EmailSent(ILogger logger, string to, string subject);
}
