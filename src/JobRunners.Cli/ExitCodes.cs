namespace JobRunners.Cli;

/// <summary>The `jobrunners` exit codes, documented in the help text and the README.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The request was refused or failed: no such job or schedule, an invalid payload, a dispatch not accepted, doctor found problems.</summary>
    public const int Failed = 1;

    /// <summary>The command line or a setting is wrong: unknown command or option, a bad value, an invalid configuration.</summary>
    public const int Usage = 2;

    /// <summary>`worker --once`: nothing was due.</summary>
    public const int NothingDue = 3;

    /// <summary>The job store cannot be used: unreachable, schema missing or newer than this program, file corrupt, read-only or locked.</summary>
    public const int StoreUnusable = 4;

    /// <summary>An unexpected error (a bug): JOBRUNNERS_DEBUG=1 prints its stack trace.</summary>
    public const int Unexpected = 5;

    /// <summary>Stopped by Ctrl-C or SIGTERM before finishing.</summary>
    public const int Interrupted = 130;

    public const string Help = """
        Exit codes: 0 done; 1 refused or failed (no such job, invalid payload, not accepted, doctor found problems);
        2 wrong command line or setting; 3 worker --once found nothing due; 4 job store unusable (unreachable, schema,
        file corrupt, read-only or locked); 5 unexpected error (JOBRUNNERS_DEBUG=1 prints the stack trace).
        """;
}
