using System.Collections.Concurrent;
using JobRunners;

namespace JobRunners.Tests.WebApp;

/// <summary>The payload of the sample jobs.</summary>
/// <param name="Name">Who to greet.</param>
public sealed record Greeting(string Name);

/// <summary>What ran, by payload name, for the tests to read.</summary>
public static class Ran
{
    /// <summary>The job id that ran for each name.</summary>
    public static ConcurrentDictionary<string, long> Jobs { get; } = new();
}

/// <summary>A library's registration: it knows nothing of the application's call.</summary>
public static class ReportingLibrary
{
    /// <summary>Adds the library's job.</summary>
    public static IServiceCollection AddReportingLibrary(this IServiceCollection services) =>
        services.AddJobRunners(jobs => jobs.AddJob<Greeting>("library-report", (greeting, context, _) =>
        {
            Ran.Jobs["report:" + greeting.Name] = context.JobId;
            return ValueTask.CompletedTask;
        }));
}
