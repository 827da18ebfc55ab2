using JobRunners;
using JobRunners.Runners.PostgreSql.WorkerHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// A worker process for the tests. Settings come from the environment, as in a deployment:
// ConnectionStrings__JobRunners, JobRunners__PostgreSql__Schema, JOB_RUNNER=postgres, JOBRUNNERS_POSTGRES_*,
// JobRunners__Lease, and WORKER_NAME (written with each execution). Prints "ready" once the worker runs.
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddEnvironmentVariables();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);

var connectionString = builder.Configuration.GetConnectionString("JobRunners")
    ?? throw new InvalidOperationException("Set ConnectionStrings__JobRunners.");
var schema = builder.Configuration["JobRunners:PostgreSql:Schema"] ?? "jobrunners";
var worker = builder.Configuration["WORKER_NAME"] ?? Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

await using var dataSource = NpgsqlDataSource.Create(connectionString);
builder.Services.AddJobRunners(builder.Configuration, jobs => jobs
    .UsePostgreSql(dataSource, o => o.Schema = schema)
    .AddPostgreSqlRunner()
    .AddHostJobs(dataSource, schema, worker)
    .EnableWorker());

using var host = builder.Build();
await host.StartAsync().ConfigureAwait(false);
Console.Out.WriteLine("ready " + worker);
Console.Out.Flush();
await host.WaitForShutdownAsync().ConfigureAwait(false);
