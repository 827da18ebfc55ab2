using System.Runtime.Versioning;
using JobRunners.Scheduling;
using JobRunners.Sqlite;
using Npgsql;
using NUnit.Framework;

namespace JobRunners.Cli.Tests;

/// <content>Every ordinary mistake is one line saying what to do and a documented exit code, never a stack trace.</content>
public sealed partial class CliCommandTests
{
    private static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable("JOBRUNNERS_TEST_POSTGRES") is { Length: > 0 } value ? value : "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres";

    private Dictionary<string, string> Embedded => new() { ["JobRunners__Sqlite__Path"] = _path };

    [TestCase(2, "jobs", "list", "--limit", "-5", "--limit", TestName = "Finding12_LimitNegative_OneLineErrorExit2")]
    [TestCase(2, "jobs", "list", "--status", "bogus", "not a job status", TestName = "Finding12_StatusBogus_OneLineErrorExit2")]
    [TestCase(2, "dispatch", "greet", "--delay", "-00:05:00", "--delay", TestName = "Finding12_DelayNegative_OneLineErrorExit2")]
    [TestCase(2, "jobs", "list", "--set", "KEY", "KEY=VALUE", TestName = "Finding12_SetWithoutEquals_OneLineErrorExit2")]
    [TestCase(2, "frobnicate", "frobnicate", TestName = "Finding12_UnknownCommand_OneLineErrorExit2")]
    [TestCase(2, "jobs", "show", "Required argument", TestName = "Finding12_MissingArgument_OneLineErrorExit2")]
    [TestCase(2, "jobs", "show", "abc", "'abc'", TestName = "Finding12_NonNumericId_OneLineErrorExit2")]
    [TestCase(1, "dispatch", "greet", "--payload", "{bad", "invalid", TestName = "Dispatch_InvalidJsonPayload_OneLineErrorExit1")]
    [TestCase(1, "dispatch", "nope", "No job named 'nope'", TestName = "Dispatch_UnknownJobType_OneLineErrorExit1")]
    public async Task Finding12_OrdinaryMistake_OneLineError(int expected, params string[] argsThenText)
    {
        var (exit, output) = await CliProcess.RunAsync(Embedded, argsThenText[..^1]);

        AssertShortError(exit, expected, output, argsThenText[^1]);
    }

    [Test]
    public async Task JobsShow_UnknownJobId_OneLineErrorExit1()
    {
        await CliProcess.RunAsync(Embedded, "migrate");

        var (exit, output) = await CliProcess.RunAsync(Embedded, "jobs", "show", "4242");

        AssertShortError(exit, 1, output, "No job row has id 4242");
    }

    [TestCase("Host=127.0.0.1;Port=notaport;Password=hunter2", "", "not valid", TestName = "Finding12_PortNotANumber_OneLineErrorExit2")]
    [TestCase("", "bad-schema!", "not a valid schema name", TestName = "Finding12_BadSchema_OneLineErrorExit2")]
    public async Task Finding12_BadPostgresSetting_OneLineErrorExit2(string connectionString, string schema, string text)
    {
        var environment = new Dictionary<string, string> { ["ConnectionStrings__JobRunners"] = connectionString.Length > 0 ? connectionString : PostgresConnectionString };
        if (schema.Length > 0)
        {
            environment["JobRunners__PostgreSql__Schema"] = schema;
        }

        var (exit, output) = await CliProcess.RunAsync(environment, "jobs", "list");

        AssertShortError(exit, 2, output, text);
        Assert.That(output, Does.Not.Contain("hunter2"));
    }

    [Test]
    public async Task Finding12_UnreachableServer_OneLineErrorExit4()
    {
        var environment = new Dictionary<string, string> { ["ConnectionStrings__JobRunners"] = "Host=127.0.0.1;Port=1;Username=x;Timeout=2" };

        var (exit, output) = await CliProcess.RunAsync(environment, "jobs", "list");

        AssertShortError(exit, 4, output, "Cannot connect");
    }

    [Test]
    public async Task Finding12_CorruptedSqliteFile_NamesFileExit4()
    {
        await File.WriteAllBytesAsync(_path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray());

        var (exit, output) = await CliProcess.RunAsync(Embedded, "jobs", "list");

        AssertShortError(exit, 4, output, _path);
        Assert.That(output, Does.Contain("corrupted or is not a SQLite database"));
    }

    [Test]
    public async Task Finding12_TruncatedSqliteFile_NamesFileExit4()
    {
        var (dispatched, text) = await CliProcess.RunAsync(new Dictionary<string, string>(Embedded) { ["JOB_RUNNER"] = "sync" }, "dispatch", "greet", "--payload", """{"name":"Ada"}""");
        Assert.That(dispatched, Is.Zero, text);
        SqliteConnection_ClearPools();
        var bytes = await File.ReadAllBytesAsync(_path);
        await File.WriteAllBytesAsync(_path, bytes[..(bytes.Length / 3)]);
        File.Delete(_path + "-wal");
        File.Delete(_path + "-shm");

        var (exit, output) = await CliProcess.RunAsync(Embedded, "jobs", "list");

        AssertShortError(exit, 4, output, _path);
    }

    [Test]
    [UnsupportedOSPlatform("windows")]
    public async Task Finding12_ReadOnlySqliteFile_SaysSoNamingFileExit4()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"jobrunners-ro-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "jobs.db");
        var environment = new Dictionary<string, string> { ["JobRunners__Sqlite__Path"] = path, ["JOB_RUNNER"] = "sync", ["HOME"] = directory, ["DOTNET_CLI_HOME"] = directory };
        try
        {
            var (dispatched, text) = await CliProcess.RunAsync(environment, "dispatch", "greet", "--payload", """{"name":"Ada"}""");
            Assert.That(dispatched, Is.Zero, text);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

            // root writes whatever the file mode says: read as an unprivileged user, as an operator would.
            string[] wrapper = Environment.UserName == "root" ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
            var (exit, output) = await CliProcess.RunAsync(wrapper, environment, "jobs", "list");

            if (exit != 0)
            {
                AssertShortError(exit, 4, output, path);
                Assert.That(output, Does.Contain("read-only"));
            }
            else
            {
                Assert.That(output, Does.Match(@"1\s+greet\s+succeeded"), "a read-only file that can be read is listed");
            }
        }
        finally
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Finding12_NulInPayloadOnPostgres_RefusedNamingFieldExit1()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__JobRunners"] = PostgresConnectionString,
            ["JobRunners__PostgreSql__Schema"] = schema,
            ["JOB_RUNNER"] = "sync",
        };
        try
        {
            var (exit, output) = await CliProcess.RunAsync(environment, "dispatch", "greet", "--payload", """{"name":"a\u0000b"}""");

            AssertShortError(exit, 1, output, "NUL");
            Assert.That(output, Does.Contain("payload.name").IgnoreCase);
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(PostgresConnectionString);
            await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            await command.ExecuteNonQueryAsync();
        }
    }

    [Test]
    public async Task Finding13_EmptyJobRunner_ErrorNamingKnownRunnersExit2()
    {
        var (exit, output) = await CliProcess.RunAsync(new Dictionary<string, string>(Embedded) { ["JOB_RUNNER"] = "" }, "dispatch", "greet", "--payload", """{"name":"Ada"}""");

        AssertShortError(exit, 2, output, "set but empty");
        Assert.That(output, Does.Contain("in-process").And.Contain("sync").And.Not.Contain("succeeded"));
    }

    [TestCase("Password")]
    [TestCase("pwd")]
    [TestCase("PSW")]
    public async Task Finding14_DoctorPasswordUnderAnyAlias_Masked(string key)
    {
        var environment = new Dictionary<string, string> { ["ConnectionStrings__JobRunners"] = $"Host=127.0.0.1;Port=1;Username=x;{key}=hunter2;Timeout=2" };

        var (_, output) = await CliProcess.RunAsync(environment, "doctor");

        Assert.That(output, Does.Contain("Store:").And.Contain("***").And.Not.Contain("hunter2"));
    }

    [Test]
    public async Task Finding14_JobsShow_SensitiveAndSecretLookingFieldsMasked()
    {
        var environment = new Dictionary<string, string>(Embedded) { ["JOB_RUNNER"] = "sync" };
        var (exit, text) = await CliProcess.RunAsync(environment, "dispatch", "sync-inventory", "--payload", """{"warehouse":"east","failingAttempts":0,"accountNumber":"ACC-998877"}""");
        Assert.That(exit, Is.Zero, text);
        var store = new SqliteJobStore(new SqliteStoreOptions { Path = _path }, TimeProvider.System);
        var other = await store.InsertAsync(new NewJobRequest { JobType = "app-export", QueueName = "app-export", Payload = """{"user":"ada","password":"hunter2","apiToken":"tok-123"}""" });

        var (_, sensitive) = await CliProcess.RunAsync(environment, "jobs", "show", "1");
        var (_, named) = await CliProcess.RunAsync(environment, "jobs", "show", other.Job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(sensitive, Does.Contain("east").And.Contain("***").And.Not.Contain("ACC-998877"));
        Assert.That(named, Does.Contain("ada").And.Not.Contain("hunter2").And.Not.Contain("tok-123"));
    }

    [Test]
    public async Task Finding18_UpdateEveryOfScheduleWhoseJobTypeIsNotRegistered_ChangesOnlyTiming()
    {
        await new SqliteJobStore(new SqliteStoreOptions { Path = _path }, TimeProvider.System).MigrateAsync();
        var schedules = new SqliteScheduleStore(new SqliteStoreOptions { Path = _path }, TimeProvider.System);
        await schedules.UpsertAsync(new ScheduleDefinition
        {
            Tag = "tick",
            JobType = "app-tick",
            Payload = """{"region":"eu"}""",
            Kind = ScheduleKind.Interval,
            Interval = TimeSpan.FromMinutes(1),
            NextRunAt = DateTimeOffset.UtcNow.AddMinutes(1),
            Priority = 3,
        });

        var (exit, output) = await CliProcess.RunAsync(Embedded, "schedules", "update", "tick", "--every", "00:10:00");

        Assert.That(exit, Is.Zero, output);
        var saved = await schedules.GetAsync("tick");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(saved!.Interval, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(saved.JobType, Is.EqualTo("app-tick"));
            Assert.That(saved.Payload, Does.Contain("\"region\"").And.Contain("eu"));
            Assert.That(saved.Priority, Is.EqualTo(3));
            Assert.That(saved.NextRunAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(5)));
        }
    }

    private static void SqliteConnection_ClearPools() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

    private static void AssertShortError(int exit, int expected, string output, string text)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(expected), output);
            Assert.That(output, Does.Contain(text), output);
            Assert.That(output, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"), "no stack trace");
            Assert.That(output.Trim().Split('\n'), Has.Length.LessThanOrEqualTo(3), output);
        }
    }
}
