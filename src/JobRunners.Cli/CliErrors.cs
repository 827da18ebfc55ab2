using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace JobRunners.Cli;

/// <summary>Turns an exception that reached the top of a command into an exit code and one line for the user.</summary>
internal static class CliErrors
{
    public static (int Code, string Message) Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        exception = Unwrap(exception);
        return exception switch
        {
            JobStoreException store => (ExitCodes.StoreUnusable, store.Message),
            JobRunnerException known => (ExitCodes.Usage, known.Message),
            OptionsValidationException options => (ExitCodes.Usage, "Invalid settings: " + string.Join(" ", options.Failures)),
            JsonException json => (ExitCodes.Usage, $"Not valid JSON: {json.Message}"),
            ArgumentException argument => (ExitCodes.Usage, WithoutParameter(argument.Message)),
            FormatException or InvalidOperationException when IsConfiguration(exception) => (ExitCodes.Usage, $"Invalid setting: {exception.Message}"),
            OperationCanceledException => (ExitCodes.Interrupted, "Stopped before finishing."),
            IOException or UnauthorizedAccessException => (ExitCodes.Failed, exception.Message),
            _ => (ExitCodes.Unexpected, $"Unexpected error ({exception.GetType().Name}): {exception.Message} This is a bug in jobrunners: run again with JOBRUNNERS_DEBUG=1 for the stack trace and report it."),
        };
    }

    private static Exception Unwrap(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        _ => exception,
    };

    // Binding a setting of the wrong type (e.g. JobRunners:Lease=abc) fails inside Microsoft.Extensions.Configuration.
    private static bool IsConfiguration(Exception exception) =>
        exception.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase) || exception.StackTrace?.Contains("Microsoft.Extensions.Configuration", StringComparison.Ordinal) == true;

    private static string WithoutParameter(string message) => message.Split(" (Parameter '", 2)[0];
}
