using System.CommandLine;
using JobRunners;
using JobRunners.Cli.Commands;

var set = new Option<string[]>("--set")
{
    Description = "Override a setting, KEY=VALUE (e.g. --set JOB_RUNNER=sync). Repeatable.",
    Recursive = true,
    AllowMultipleArgumentsPerToken = false,
};

var root = new RootCommand("jobrunners: run, inspect and operate JobRunners background jobs.")
{
    set,
    DemoCommand.Create(set),
    MigrateCommand.Create(set),
    DoctorCommand.Create(set),
    DispatchCommand.Create(set),
    JobsCommand.Create(set),
    SchedulesCommand.Create(set),
    WorkerCommand.Create(set),
    LambdaCommand.Create(set),
};

try
{
    // Our errors carry messages that say what to do; print those, not stack traces.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (JobRunnerException ex)
{
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 2;
}
