using JobRunners.Tests.Shared;
using System.Text;
using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>The Invoke requests the runner sends carry a SigV4 signature an independent implementation accepts.</summary>
[TestFixture]
public sealed class SignatureTests : LambdaTestBase
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    [Test]
    public void Verifier_AwsGetVanillaVector_ReproducesPublishedSignature()
    {
        var request = new SigV4Verifier.Captured("GET", "/", new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" }, []);
        var authorization = SigV4Verifier.ParseAuthorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

        var (signature, _) = SigV4Verifier.Compute(request, authorization, SecretKey);

        Assert.That(signature, Is.EqualTo(authorization.Signature));
    }

    [TestCase("jobrunners-test-worker", null)]
    [TestCase("arn:aws:lambda:eu-west-1:123456789012:function:jobrunners-worker", "live")]
    public async Task DispatchTask_InvokeRequest_SignatureVerifiesIndependently(string functionName, string? qualifier)
    {
        using var endpoint = new CaptureEndpoint();
        var settings = new Dictionary<string, string?>
        {
            ["JobRunners:AwsLambda:ServiceUrl"] = $"http://127.0.0.1:{endpoint.Port}",
            ["JobRunners:AwsLambda:FunctionName"] = functionName,
            ["JobRunners:AwsLambda:Qualifier"] = qualifier,
            ["JobRunners:AwsLambda:Region"] = "eu-west-1",
            ["JobRunners:AwsLambda:AccessKeyId"] = AccessKey,
            ["JobRunners:AwsLambda:SecretAccessKey"] = SecretKey,
            ["Tests:ForwardTarget"] = "off",
        };
        await using var host = await StartHostAsync(settings);

        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(NewKey()));

        var request = endpoint.Requests.Single();
        var authorization = SigV4Verifier.ParseAuthorization(request.Headers["authorization"]);
        var (expected, canonical) = SigV4Verifier.Compute(request, authorization, SecretKey);
        TestContext.Out.WriteLine(canonical);
        Assert.Multiple(() =>
        {
            Assert.That(authorization.Signature, Is.EqualTo(expected), "signature recomputed from the canonical request:\n" + canonical);
            Assert.That(authorization.AccessKey, Is.EqualTo(AccessKey));
            Assert.That(authorization.Region, Is.EqualTo("eu-west-1"));
            Assert.That(authorization.Service, Is.EqualTo("lambda"));
            Assert.That(authorization.Date, Is.EqualTo(request.Headers["x-amz-date"][..8]));
            Assert.That(authorization.SignedHeaders, Does.Contain("host").And.Contain("x-amz-date"));
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(Uri.UnescapeDataString(request.RawTarget), Is.EqualTo($"/2015-03-31/functions/{functionName}/invocations{(qualifier is null ? "" : "?Qualifier=" + qualifier)}"));
            Assert.That(request.Headers["x-amz-invocation-type"], Is.EqualTo("Event"));
            Assert.That(Encoding.UTF8.GetString(request.Body), Does.StartWith("{\"v\":1,\"kind\":\"task\""));
        });
    }

    [TestCase("AWS_PROFILE")]
    [TestCase("JobRunners:AwsLambda:Profile")]
    public async Task DispatchTask_ProfileNamedInConfiguration_SignsWithTheProfilesKeys(string setting)
    {
        using var profile = new AwsProfileFile("AKIDLAMBDAPROFILE", SecretKey);
        using var endpoint = new CaptureEndpoint();
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AwsLambda:ServiceUrl"] = $"http://127.0.0.1:{endpoint.Port}",
            ["JobRunners:AwsLambda:AccessKeyId"] = "",
            ["JobRunners:AwsLambda:SecretAccessKey"] = "",
            [setting] = profile.Name,
            ["Tests:ForwardTarget"] = "off",
        });

        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(NewKey()));

        var request = endpoint.Requests.Single();
        var authorization = SigV4Verifier.ParseAuthorization(request.Headers["authorization"]);
        var (expected, _) = SigV4Verifier.Compute(request, authorization, SecretKey);
        Assert.Multiple(() =>
        {
            Assert.That(authorization.AccessKey, Is.EqualTo("AKIDLAMBDAPROFILE"));
            Assert.That(authorization.Signature, Is.EqualTo(expected), "signed with the profile's secret");
        });
    }
}
