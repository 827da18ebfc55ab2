using System.CommandLine;
using JobRunners.Runners.AwsLambda;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>
/// `jobrunners lambda invoke-local`: runs one Lambda event read from standard input through the same handler the
/// deployed function uses (a job or task envelope, an SQS event batch, or a maintenance event) and prints the
/// function's answer, so events can be replayed locally.
/// </summary>
internal static class LambdaCommand
{
    public static Command Create(Option<string[]> set)
    {
        var invoke = new Command("invoke-local", "Run a Lambda event from stdin through the JobRunners function handler and print its answer (SQS events answer with batchItemFailures).");
        invoke.SetAction(async (result, ct) =>
        {
            using var host = CliHost.Build(CliConfiguration.Build(result.GetValue(set)), LogLevel.Warning);
            await host.StartAsync(ct).ConfigureAwait(false);
            try
            {
                using var input = Console.OpenStandardInput();
                using var output = new MemoryStream();
                await LambdaEventProcessor.ProcessAsync(host.Services, input, output, ct).ConfigureAwait(false);
                await Console.Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(output.ToArray())).ConfigureAwait(false);
                return 0;
            }
            catch (JobRunnerException ex)
            {
                // The deployed function throws here on purpose, so Lambda retries the event; locally, say why.
                await Console.Error.WriteLineAsync($"The function would fail this event (Lambda retries it, then keeps it in the on-failure destination): {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            finally
            {
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        });
        return new Command("lambda", "AWS Lambda helpers.") { invoke };
    }
}
