using System.CommandLine;

namespace JobRunners.Cli.Commands;

/// <summary>`jobrunners migrate`: applies the store's pending schema migrations.</summary>
internal static class MigrateCommand
{
    public static Command Create(Option<string[]> set)
    {
        var command = new Command("migrate", "Apply pending schema migrations to the configured job store (PostgreSQL when ConnectionStrings:JobRunners is set, else SQLite).");
        command.SetAction(async (result, ct) =>
        {
            var configuration = CliConfiguration.Build(result.GetValue(set));
            var store = CliStores.CreateJobStore(configuration, TimeProvider.System);
            await store.MigrateAsync(ct).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"Job store is up to date: {CliStores.Describe(configuration)}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
