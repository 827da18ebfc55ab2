using JobRunners;
using JobRunners.Worker.Jobs;
using Microsoft.Extensions.Hosting;

// A worker process for your application's jobs. The store is the PostgreSQL database every process of the
// application shares (ConnectionStrings__JobRunners); JOB_RUNNER picks the backend, as in every process of the
// application; the other settings (JOBRUNNERS_SQS_QUEUE_URL, ...) come from appsettings.json, the environment or the
// command line. SIGTERM or Ctrl-C drains it.
var builder = Host.CreateApplicationBuilder(args);
builder.AddJobRunners(jobs => jobs
    .UsePostgreSql()
    .AddPostgreSqlRunner()
    .AddAwsSqsRunner()
    .AddAzureQueueRunner()
    .AddInProcessRunner()
    .EnableWorker()

    // Your jobs: the same registrations as in the processes that dispatch them.
    .AddJob<WelcomeEmail, WelcomeEmailHandler>(WelcomeEmail.JobType));

await builder.Build().RunAsync().ConfigureAwait(false);
