using System.Text;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace JobRunners.Tests.Configuration;

/// <summary>
/// One precedence rule for a setting's flat name and hierarchical key: the configuration source added later wins,
/// for runner settings and for <c>JOB_RUNNER</c>. Environment variables are real ones, under a prefix only this
/// fixture uses.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FlatNamesTests
{
    private const string Prefix = "JRTESTS_FLATNAMES_";
    private const string QueueUrl = "JobRunners:AwsSqs:QueueUrl";
    private const string QueueUrlFlat = "JOBRUNNERS_SQS_QUEUE_URL";
    private readonly List<string> _variables = [];

    [TearDown]
    public void ClearVariables()
    {
        foreach (var name in _variables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        _variables.Clear();
    }

    [Test]
    public void Read_EnvironmentFlatAfterAppsettingsHierarchical_EnvironmentWins()
    {
        SetVariable(QueueUrlFlat, "https://queue/from-environment");
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(Json("""{ "JobRunners": { "AwsSqs": { "QueueUrl": "https://queue/from-appsettings" } } }"""))
            .AddEnvironmentVariables(Prefix)
            .Build();

        Assert.That(FlatNames.Read(configuration, QueueUrl, QueueUrlFlat), Is.EqualTo("https://queue/from-environment"));
    }

    [Test]
    public void Read_OverrideHierarchicalAfterEnvironmentFlat_OverrideWins()
    {
        SetVariable(QueueUrlFlat, "https://queue/from-environment");
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables(Prefix)
            .AddInMemoryCollection(new Dictionary<string, string?> { [QueueUrl] = "https://queue/from-test" })
            .Build();

        Assert.That(FlatNames.Read(configuration, QueueUrl, QueueUrlFlat), Is.EqualTo("https://queue/from-test"));
    }

    [Test]
    public void Read_BothNamesInOneSource_HierarchicalWins()
    {
        var configuration = Layers(new Dictionary<string, string?> { [QueueUrlFlat] = "https://queue/flat", [QueueUrl] = "https://queue/hierarchical" });

        Assert.That(FlatNames.Read(configuration, QueueUrl, QueueUrlFlat), Is.EqualTo("https://queue/hierarchical"));
    }

    [Test]
    public void Read_SeveralFlatNamesInOneSource_FirstListedWins()
    {
        var configuration = Layers(new Dictionary<string, string?> { ["AWS_DEFAULT_REGION"] = "us-east-1", ["AWS_REGION"] = "eu-west-1" });

        Assert.That(FlatNames.Read(configuration, "JobRunners:AwsSqs:Region", "AWS_REGION", "AWS_DEFAULT_REGION"), Is.EqualTo("eu-west-1"));
    }

    [Test]
    public void Read_BlankInLaterSource_CountsAsUnset()
    {
        var configuration = Layers(
            new() { [QueueUrl] = " https://queue/earlier " },
            new() { [QueueUrlFlat] = " ", [QueueUrl] = "" });

        Assert.That(FlatNames.Read(configuration, QueueUrl, QueueUrlFlat), Is.EqualTo("https://queue/earlier"));
    }

    [Test]
    public void Read_NothingSet_IsNull()
    {
        Assert.That(FlatNames.Read(Layers(new Dictionary<string, string?> { ["Other"] = "x" }), QueueUrl, QueueUrlFlat), Is.Null);
    }

    [Test]
    public void Read_ChainedConfiguration_FollowsTheInnerSources()
    {
        var host = Layers(new() { [QueueUrl] = "https://queue/inner-earlier" }, new() { [QueueUrlFlat] = "https://queue/inner-later" });
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [QueueUrl] = "https://queue/outer-earlier" })
            .AddConfiguration(host)
            .Build();

        Assert.That(FlatNames.Read(configuration, QueueUrl, QueueUrlFlat), Is.EqualTo("https://queue/inner-later"));
    }

    [Test]
    public void Read_NotAConfigurationRoot_FlatNameFirst()
    {
        var section = Layers(new Dictionary<string, string?> { ["Outer:" + QueueUrl] = "https://queue/hierarchical", ["Outer:" + QueueUrlFlat] = "https://queue/flat" }).GetSection("Outer");

        Assert.That(FlatNames.Read(section, QueueUrl, QueueUrlFlat), Is.EqualTo("https://queue/flat"));
    }

    [Test]
    public void RunnerSelection_EnvironmentFlatAfterAppsettingsHierarchical_EnvironmentWins()
    {
        SetVariable(RunnerSelection.FlatKey, "sync");
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(Json("""{ "JobRunners": { "Runner": "postgres" } }"""))
            .AddEnvironmentVariables(Prefix)
            .Build();

        Assert.That(RunnerSelection.ReadConfigured(configuration), Is.EqualTo(("sync", RunnerSelection.FlatKey)));
    }

    [Test]
    public void RunnerSelection_OverrideHierarchicalAfterEnvironmentFlat_OverrideWins()
    {
        SetVariable(RunnerSelection.FlatKey, "sync");
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables(Prefix)
            .AddInMemoryCollection(new Dictionary<string, string?> { [RunnerSelection.HierarchicalKey] = "postgres" })
            .Build();

        Assert.That(RunnerSelection.ReadConfigured(configuration), Is.EqualTo(("postgres", RunnerSelection.HierarchicalKey)));
    }

    [Test]
    public void RunnerSelection_EmptyInLaterSource_IsRefused()
    {
        var configuration = Layers(new() { [RunnerSelection.HierarchicalKey] = "sync" }, new() { [RunnerSelection.FlatKey] = "" });

        Assert.Throws<UnknownRunnerException>(() => RunnerSelection.Resolve(configuration, ["sync", "in-process"]));
    }

    private static IConfigurationRoot Layers(params Dictionary<string, string?>[] layers)
    {
        var builder = new ConfigurationBuilder();
        foreach (var layer in layers)
        {
            builder.AddInMemoryCollection(layer);
        }

        return builder.Build();
    }

    private static MemoryStream Json(string json) => new(Encoding.UTF8.GetBytes(json));

    private void SetVariable(string name, string value)
    {
        _variables.Add(Prefix + name);
        Environment.SetEnvironmentVariable(Prefix + name, value);
    }
}
