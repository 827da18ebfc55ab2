using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace JobRunners.Tests.Configuration;

[TestFixture]
public sealed class RunnerSelectionTests
{
    private static readonly string[] Registered = ["in-process", "sync", "postgres"];

    private static IConfiguration Layers(params Dictionary<string, string?>[] layers)
    {
        var builder = new ConfigurationBuilder();
        foreach (var layer in layers)
        {
            builder.AddInMemoryCollection(layer);
        }

        return builder.Build();
    }

    [Test]
    public void Resolve_NothingSet_DefaultsToInProcess()
    {
        Assert.That(RunnerSelection.Resolve(Layers(), Registered), Is.EqualTo("in-process"));
    }

    [Test]
    public void Resolve_FlatSetting_SelectsIt()
    {
        Assert.That(RunnerSelection.Resolve(Layers(new Dictionary<string, string?> { ["JOB_RUNNER"] = "sync" }), Registered), Is.EqualTo("sync"));
    }

    [Test]
    public void Resolve_HierarchicalSetting_SelectsIt()
    {
        Assert.That(RunnerSelection.Resolve(Layers(new Dictionary<string, string?> { ["JobRunners:Runner"] = "sync" }), Registered), Is.EqualTo("sync"));
    }

    [Test]
    public void Resolve_EnvironmentFlatOverAppsettingsHierarchical_LaterSourceWins()
    {
        var appsettings = new Dictionary<string, string?> { ["JobRunners:Runner"] = "in-process" };
        var environment = new Dictionary<string, string?> { ["JOB_RUNNER"] = "sync" };

        Assert.That(RunnerSelection.Resolve(Layers(appsettings, environment), Registered), Is.EqualTo("sync"));
        Assert.That(RunnerSelection.ReadConfigured(Layers(appsettings, environment)).Source, Is.EqualTo("JOB_RUNNER"));
    }

    [Test]
    public void Resolve_CommandLineHierarchicalOverEnvironmentFlat_LaterSourceWins()
    {
        var environment = new Dictionary<string, string?> { ["JOB_RUNNER"] = "sync" };
        var commandLine = new Dictionary<string, string?> { ["JobRunners:Runner"] = "postgres" };

        Assert.That(RunnerSelection.Resolve(Layers(environment, commandLine), Registered), Is.EqualTo("postgres"));
    }

    [Test]
    public void Resolve_DifferentCase_MatchesRegisteredName()
    {
        Assert.That(RunnerSelection.Resolve(Layers(new Dictionary<string, string?> { ["JOB_RUNNER"] = "In-Process" }), Registered), Is.EqualTo("in-process"));
    }

    [Test]
    public void Resolve_UnknownName_ListsKnownRunners()
    {
        var error = Assert.Throws<UnknownRunnerException>(() => RunnerSelection.Resolve(Layers(new Dictionary<string, string?> { ["JOB_RUNNER"] = "nope" }), Registered));

        Assert.That(error!.Message, Does.Contain("'nope'").And.Contain("in-process, postgres, sync"));
    }

    [Test]
    public void Resolve_UnregisteredCloudRunner_SaysWhichPackageToAdd()
    {
        var error = Assert.Throws<UnknownRunnerException>(() => RunnerSelection.Resolve(Layers(new Dictionary<string, string?> { ["JOB_RUNNER"] = "aws-sqs" }), Registered));

        Assert.That(error!.Message, Does.Contain("AddAwsSqsRunner"));
    }

    [TestCase("true", null, "sync")]
    [TestCase("1", "true", "sync")]
    [TestCase(null, "true", "in-process")]
    [TestCase("false", "yes", "in-process")]
    [TestCase(null, null, "postgres")]
    [TestCase("false", "false", "postgres")]
    public void Resolve_Legacy_MapsSpokeSettings(string? jobsSync, string? jobsSameProcess, string expected)
    {
        var configuration = Layers(new Dictionary<string, string?> { ["JOB_RUNNER"] = "legacy", ["JOBS_SYNC"] = jobsSync, ["JOBS_SAME_PROCESS"] = jobsSameProcess });

        Assert.That(RunnerSelection.Resolve(configuration, Registered), Is.EqualTo(expected));
    }

    [Test]
    public void Resolve_LegacyNeitherWithoutPostgresRunner_ExplainsTheMapping()
    {
        var error = Assert.Throws<UnknownRunnerException>(() => RunnerSelection.Resolve(Layers(new Dictionary<string, string?> { ["JOB_RUNNER"] = "legacy" }), ["in-process", "sync"]));

        Assert.That(error!.Message, Does.Contain("JOBS_SYNC").And.Contain("JOBS_SAME_PROCESS").And.Contain("postgres"));
    }
}
