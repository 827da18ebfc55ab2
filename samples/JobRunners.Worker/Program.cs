using JobRunners;
using JobRunners.Worker.Jobs;
using Microsoft.Extensions.Hosting;

// A worker process for your application's jobs. JOB_RUNNER picks the backend, as in every process of the
// application; the other settings (ConnectionStrings__JobRunners, JOBRUNNERS_SQS_QUEUE_URL, ...) come from
// appsettings.json, the environment or the command line. SIGTERM or Ctrl-C drains it.
var builder = Host.CreateApplicationBuilder(args);
builder.AddJobRunners(jobs => jobs
    .AddPostgreSqlRunner()
    .AddAwsSqsRunner()
    .AddAzureQueueRunner()
    .AddInProcessRunner()
    .EnableWorker()

    // Your jobs: the same registrations as in the processes that dispatch them.
    .AddJob<WelcomeEmail, WelcomeEmailHandler>(WelcomeEmail.JobType));

await builder.Build().RunAsync().ConfigureAwait(false);
