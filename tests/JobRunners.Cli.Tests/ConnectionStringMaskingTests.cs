using NUnit.Framework;

namespace JobRunners.Cli.Tests;

/// <summary>Connection strings the CLI prints (doctor, demo, migrate) show no secret.</summary>
[TestFixture]
public sealed class ConnectionStringMaskingTests
{
    [TestCase("Host=db;Username=app;Password=hunter2;Database=app")]
    [TestCase("Host=db;Username=app;pwd=hunter2;Database=app")]
    [TestCase("Host=db;Username=app;PSW=hunter2;Database=app")]
    [TestCase("Host=db;Username=app;SSL Password=hunter2;Database=app")]
    public void Finding14_PostgresPasswordUnderAnyAlias_Masked(string connectionString)
    {
        var shown = ConnectionStringMasking.Postgres(connectionString);

        Assert.That(shown, Does.Not.Contain("hunter2").And.Contain("***").And.Contain("db"));
    }

    [TestCase("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net")]
    [TestCase("BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=2020&sig=c2VjcmV0")]
    public void Finding14_AzureAccountKeyAndSas_Masked(string connectionString)
    {
        Assert.That(ConnectionStringMasking.Generic(connectionString), Does.Not.Contain("c2VjcmV0").And.Contain("***"));
    }
}
