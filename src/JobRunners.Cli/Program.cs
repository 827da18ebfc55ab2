using System.CommandLine;
using JobRunners.Cli;
using JobRunners.Cli.Commands;

var set = new Option<string[]>("--set")
{
    Description = "Override a setting, KEY=VALUE (e.g. --set JOB_RUNNER=sync). Repeatable.",
    Recursive = true,
    AllowMultipleArgumentsPerToken = false,
};

var root = new RootCommand("jobrunners: run, inspect and operate JobRunners background jobs." + Environment.NewLine + ExitCodes.Help)
{
    set,
    DemoCommand.Create(set),
    MigrateCommand.Create(set),
    DoctorCommand.Create(set),
    DispatchCommand.Create(set),
    JobsCommand.Create(set),
    StatsCommand.Create(set),
    SchedulesCommand.Create(set),
    WorkerCommand.Create(set),
    LambdaCommand.Create(set),
    DashboardCommand.Create(set),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // One line per mistake and where to look, instead of the full help text.
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
    }

    var names = new List<string>();
    for (var command = parsed.CommandResult; command is not null && command.Command != root; command = command.Parent as System.CommandLine.Parsing.CommandResult)
    {
        names.Insert(0, command.Command.Name);
    }

    names.Insert(0, "jobrunners");
    await Console.Error.WriteLineAsync($"Run `{string.Join(' ', names)} --help` for usage.").ConfigureAwait(false);
    return ExitCodes.Usage;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (Exception exception)
{
    // A user's mistake or an unusable store is one line saying what to do, never a stack trace.
    var (code, message) = CliErrors.Describe(exception);
    await Console.Error.WriteLineAsync(message).ConfigureAwait(false);
    if (code == ExitCodes.Unexpected && Environment.GetEnvironmentVariable("JOBRUNNERS_DEBUG") is { Length: > 0 })
    {
        await Console.Error.WriteLineAsync(exception.ToString()).ConfigureAwait(false);
    }

    return code;
}
