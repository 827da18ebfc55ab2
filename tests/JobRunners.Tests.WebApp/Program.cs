using JobRunners;
using JobRunners.Tests.WebApp;

var builder = WebApplication.CreateBuilder(args);

// The application's jobs and runners.
builder.AddJobRunners(jobs => jobs
    .UseSqlite()
    .AddInProcessRunner()
    .AddSynchronousRunner()
    .AddJob<Greeting>("greet", (greeting, context, _) =>
    {
        Ran.Jobs[greeting.Name] = context.JobId;
        return ValueTask.CompletedTask;
    }));

// A library adding its own job through its own call.
builder.Services.AddReportingLibrary();
builder.Services.AddHealthChecks().AddJobRunners();

var app = builder.Build();
app.MapHealthChecks("/health");
app.MapGet("/runner", (IJobRunner runner) => runner.Name);
app.MapPost("/jobs/{type}", async (string type, Greeting payload, IJobRunner runner) =>
    Results.Ok(await runner.DispatchJobAsync(type, payload)));
app.MapGet("/ran/{name}", (string name) => Ran.Jobs.TryGetValue(name, out var id) ? Results.Ok(id) : Results.NotFound());
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
