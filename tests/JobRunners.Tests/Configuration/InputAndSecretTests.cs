using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace JobRunners.Tests.Configuration;

[TestFixture]
public sealed class InputAndSecretTests
{
    private static readonly string[] Registered = ["in-process", "sync", "postgres"];

    [Test]
    public void Finding13_EmptyJobRunner_ErrorNamesKnownRunners()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["JobRunners:Runner"] = "sync" })
            .AddInMemoryCollection(new Dictionary<string, string?> { ["JOB_RUNNER"] = "" })
            .Build();

        var error = Assert.Throws<UnknownRunnerException>(() => RunnerSelection.Resolve(configuration, Registered));

        Assert.That(error!.Message, Does.Contain("set but empty").And.Contain("in-process, postgres, sync"));
    }

    [Test]
    public void Finding13_EmptyJobRunnerInsideChainedConfiguration_StillAnError()
    {
        var inner = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["JOB_RUNNER"] = "" }).Build();
        var outer = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["JobRunners:Runner"] = "sync" })
            .AddConfiguration(inner)
            .Build();

        Assert.Throws<UnknownRunnerException>(() => RunnerSelection.Resolve(outer, Registered));
    }

    [Test]
    public void Finding14_SensitiveMembers_MaskedWherePayloadsAreShown()
    {
        const string json = """{"user":"ada","pin":"1234","card":{"number":"4242","holder":"Ada"},"cards":[{"number":"1111","holder":"B"}],"apiToken":"t0k","tokenCount":3}""";

        var shown = PayloadMasking.MaskJson(json, typeof(Payment));

        Assert.That(shown, Does.Not.Contain("1234").And.Not.Contain("4242").And.Not.Contain("1111").And.Not.Contain("t0k"));
        Assert.That(shown, Does.Contain("\"user\":\"ada\"").And.Contain("\"holder\":\"Ada\"").And.Contain("\"tokenCount\":3"));
    }

    [Test]
    public void Finding14_UnknownPayloadType_SecretLookingNamesMasked()
    {
        var shown = PayloadMasking.MaskJson("""{"email":"a@b.c","password":"hunter2","db_password":"x1","clientSecret":"s3"}""");

        Assert.That(shown, Does.Not.Contain("hunter2").And.Not.Contain("x1").And.Not.Contain("s3").And.Contain("a@b.c"));
    }

    private sealed record Payment(string User, [property: Sensitive] string Pin, Card Card, IReadOnlyList<Card> Cards, string? ApiToken, int TokenCount);

    private sealed record Card([Sensitive] string Number, string Holder);
}
