using JobRunners.Tests.Shared;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>Which names the settings come from, and how missing or bad ones stop startup.</summary>
[TestFixture]
public sealed class AwsLambdaSettingsTests : LambdaTestBase
{
    [TestCase("from-worker-flat", "from-section", "from-aws", ExpectedResult = "from-section")]
    [TestCase("from-worker-flat", "", "from-aws", ExpectedResult = "from-worker-flat")]
    [TestCase("", "", "from-aws", ExpectedResult = "from-aws")]
    public string FunctionName_SeveralNamesInOneSource_SectionThenSpokeNameThenLambdaOwnName(string workerFlat, string section, string lambdaOwn) =>
        Options(new()
        {
            ["WORKER_LAMBDA_FUNCTION_NAME"] = workerFlat,
            ["JobRunners:AwsLambda:FunctionName"] = section,
            ["AWS_LAMBDA_FUNCTION_NAME"] = lambdaOwn,
        }).FunctionName!;

    [TestCase("WORKER_LAMBDA_FUNCTION_NAME", "JobRunners:AwsLambda:FunctionName", ExpectedResult = "later")]
    [TestCase("JobRunners:AwsLambda:FunctionName", "WORKER_LAMBDA_FUNCTION_NAME", ExpectedResult = "later")]
    public string FunctionName_SpokeNameAndSectionInTwoSources_LaterSourceWins(string earlierName, string laterName)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [earlierName] = "earlier" })
            .AddInMemoryCollection(new Dictionary<string, string?> { [laterName] = "later" })
            .Build();
        var options = new AwsLambdaOptions();

        AwsLambdaSettings.ApplyOverrides(configuration, options);

        return options.FunctionName!;
    }

    [Test]
    public void GenericAwsNames_SectionUnset_FillRegionEndpointAndKeys()
    {
        var options = Options(new()
        {
            ["JobRunners:AwsLambda:Region"] = "",
            ["JobRunners:AwsLambda:ServiceUrl"] = "",
            ["JobRunners:AwsLambda:SqsServiceUrl"] = "",
            ["JobRunners:AwsLambda:AccessKeyId"] = "",
            ["JobRunners:AwsLambda:SecretAccessKey"] = "",
            ["AWS_REGION"] = "eu-central-1",
            ["AWS_DEFAULT_REGION"] = "eu-west-3",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9999",
            ["AWS_ENDPOINT_URL_LAMBDA"] = "http://127.0.0.1:3002",
            ["AWS_ACCESS_KEY_ID"] = "AKIDFLAT",
            ["AWS_SECRET_ACCESS_KEY"] = "flat-secret",
            ["AWS_SESSION_TOKEN"] = "flat-token",
        });

        Assert.Multiple(() =>
        {
            Assert.That(options.Region, Is.EqualTo("eu-central-1"));
            Assert.That(options.ServiceUrl, Is.EqualTo("http://127.0.0.1:3002"), "the Lambda-specific endpoint wins over the global one");
            Assert.That(options.SqsServiceUrl, Is.EqualTo("http://127.0.0.1:9999"));
            Assert.That(options.AccessKeyId, Is.EqualTo("AKIDFLAT"));
            Assert.That(options.SecretAccessKey, Is.EqualTo("flat-secret"));
            Assert.That(options.SessionToken, Is.EqualTo("flat-token"));
            Assert.That(options.MaxPayloadBytes, Is.EqualTo(1024 * 1024));
        });
    }

    [Test]
    public void Profile_SetInSection_KeepsTheEnvironmentsKeysOut()
    {
        var options = Options(new()
        {
            ["JobRunners:AwsLambda:AccessKeyId"] = "",
            ["JobRunners:AwsLambda:SecretAccessKey"] = "",
            ["JobRunners:AwsLambda:Profile"] = "worker-profile",
            ["AWS_PROFILE"] = "machine-profile",
            ["AWS_ACCESS_KEY_ID"] = "AKIDOFTHEFUNCTIONROLE",
            ["AWS_SECRET_ACCESS_KEY"] = "role-secret",
        });

        Assert.Multiple(() =>
        {
            Assert.That(options.Profile, Is.EqualTo("worker-profile"));
            Assert.That(options.AccessKeyId, Is.Null, "inside a function the environment's keys are the function's role");
            Assert.That(options.SecretAccessKey, Is.Null);
        });
    }

    [Test]
    public void Profile_OnlyAwsProfileSet_FillsInBesideTheEnvironmentsKeys()
    {
        var options = Options(new()
        {
            ["JobRunners:AwsLambda:AccessKeyId"] = "",
            ["JobRunners:AwsLambda:SecretAccessKey"] = "",
            ["AWS_PROFILE"] = "machine-profile",
            ["AWS_ACCESS_KEY_ID"] = "AKIDFLAT",
            ["AWS_SECRET_ACCESS_KEY"] = "flat-secret",
        });

        Assert.Multiple(() =>
        {
            Assert.That(options.Profile, Is.EqualTo("machine-profile"));
            Assert.That(options.AccessKeyId, Is.EqualTo("AKIDFLAT"), "keys win over a profile, as in the SDK's own chain and the aws-sqs runner");
        });
    }

    [Test]
    public async Task Startup_ProfileNotFound_ReportsItUnderCredentials()
    {
        using var profile = new AwsProfileFile("AKIDUNUSED", "unused");
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["JobRunners:AwsLambda:AccessKeyId"] = "",
            ["JobRunners:AwsLambda:SecretAccessKey"] = "",
            ["JobRunners:AwsLambda:Profile"] = "jobrunners-no-such-profile",
        });

        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(async () => await host.StartAsync());

        Assert.That(error!.Configuration.Missing.Select(m => m.Name), Is.EqualTo(new[] { "AWS credentials" }));
        Assert.That(error.Message, Does.Contain("'jobrunners-no-such-profile' was not found").And.Contain("JobRunners:AwsLambda:Profile"));
    }

    [Test]
    public void Region_SectionSet_WinsOverAwsRegionOfTheCallingFunction()
    {
        var options = Options(new() { ["JobRunners:AwsLambda:Region"] = "ap-south-1", ["AWS_REGION"] = "us-east-1" });

        Assert.That(options.Region, Is.EqualTo("ap-south-1"));
    }

    [Test]
    public async Task Startup_SeveralBadValues_ReportsEveryOneTogether()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["JobRunners:AwsLambda:FunctionName"] = "",
            ["JobRunners:AwsLambda:ServiceUrl"] = "not a url",
            ["JobRunners:AwsLambda:MaxPayloadBytes"] = "10",
            ["JobRunners:AwsLambda:InvokeRetries"] = "-1",
            ["JobRunners:AwsLambda:AccessKeyId"] = "AKIDONLY",
            ["JobRunners:AwsLambda:SecretAccessKey"] = "",
        });

        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(async () => await host.StartAsync());

        Assert.That(error!.Configuration.Missing.Select(m => m.Name), Is.EquivalentTo(new[]
        {
            "JobRunners:AwsLambda:FunctionName",
            "JobRunners:AwsLambda:ServiceUrl",
            "JobRunners:AwsLambda:MaxPayloadBytes",
            "JobRunners:AwsLambda:InvokeRetries",
            "AWS credentials",
        }));
        Assert.That(error.Message, Does.Contain("WORKER_LAMBDA_FUNCTION_NAME").And.Contain("'not a url'").And.Contain("AWS_SECRET_ACCESS_KEY is missing"));
    }

    [Test]
    public async Task Startup_NoCredentialsAnywhere_ReportsThemWithFunctionAndRegion()
    {
        using var environment = new CleanAwsEnvironment();
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["JobRunners:AwsLambda:FunctionName"] = "",
            ["JobRunners:AwsLambda:Region"] = "",
            ["JobRunners:AwsLambda:AccessKeyId"] = "",
            ["JobRunners:AwsLambda:SecretAccessKey"] = "",
        });

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(async () => await host.StartAsync());

        Assert.That(error!.Configuration.Missing.Select(m => m.Name), Is.EquivalentTo(new[] { "JobRunners:AwsLambda:FunctionName", "JobRunners:AwsLambda:Region", "AWS credentials" }));
        Assert.That(error.Message, Does.Contain("standard AWS credential chain found none"));
        TestContext.Progress.WriteLine($"credential check without credentials took {clock.ElapsedMilliseconds} ms");
    }

    private AwsLambdaOptions Options(Dictionary<string, string?> settings)
    {
        using var host = BuildHost(settings);
        return host.Services.GetRequiredService<IOptions<AwsLambdaOptions>>().Value;
    }

    /// <summary>Hides every credential source of the standard chain for one test (tests here run one at a time).</summary>
    private sealed class CleanAwsEnvironment : IDisposable
    {
        private static readonly string[] Cleared =
        [
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ];

        private readonly Dictionary<string, string?> _saved = [];

        public CleanAwsEnvironment()
        {
            var missing = Path.Combine(Path.GetTempPath(), "jobrunners-no-such-aws-file");
            foreach (var name in Cleared)
            {
                Set(name, null);
            }

            Set("AWS_SHARED_CREDENTIALS_FILE", missing);
            Set("AWS_CONFIG_FILE", missing);
            Set("AWS_EC2_METADATA_DISABLED", "true");
        }

        public void Dispose()
        {
            foreach (var (name, value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        private void Set(string name, string? value)
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
