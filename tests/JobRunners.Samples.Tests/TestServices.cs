using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Npgsql;

namespace JobRunners.Samples.Tests;

/// <summary>
/// The local services the tests talk to, found through the variables <c>scripts/services.sh env</c> prints, with
/// the same defaults: PostgreSQL (a fresh schema per test) and the SQS stand-in fauxqs (a fresh queue per test).
/// </summary>
internal static class TestServices
{
    private const string DefaultPostgres = "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres";

    private static readonly Lazy<AmazonSQSClient> Sqs = new(() => new AmazonSQSClient(
        new BasicAWSCredentials(AwsAccessKeyId, AwsSecretAccessKey),
        new AmazonSQSConfig { ServiceURL = SqsServiceUrl, AuthenticationRegion = AwsRegion }));

    public static string PostgresConnectionString => Env("JOBRUNNERS_TEST_POSTGRES") ?? DefaultPostgres;

    public static string SqsServiceUrl => Env("JOBRUNNERS_TEST_SQS_URL") ?? "http://127.0.0.1:4566";

    public static string AwsRegion => Env("AWS_REGION") ?? "us-east-1";

    public static string AwsAccessKeyId => Env("AWS_ACCESS_KEY_ID") ?? "test";

    public static string AwsSecretAccessKey => Env("AWS_SECRET_ACCESS_KEY") ?? "test";

    public static string NewSchemaName() => "sample_" + Guid.NewGuid().ToString("N")[..16];

    public static async Task DropSchemaAsync(string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create(PostgresConnectionString);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Creates a queue of the test's own and returns its URL; fails the test with what to run when fauxqs is down.</summary>
    public static async Task<string> CreateQueueAsync()
    {
        try
        {
            return (await Sqs.Value.CreateQueueAsync($"jr-sample-{Guid.NewGuid():N}")).QueueUrl;
        }
        catch (Exception ex) when (ex is HttpRequestException or AmazonClientException && ex is not AmazonSQSException)
        {
            Assert.Fail($"The local SQS service (fauxqs) is not reachable at {SqsServiceUrl}: {ex.Message}. Run ./scripts/test.sh, or start it with scripts/services.sh start fauxqs and eval \"$(scripts/services.sh env)\".");
            throw;
        }
    }

    public static async Task DeleteQueueAsync(string queueUrl)
    {
        try
        {
            await Sqs.Value.DeleteQueueAsync(queueUrl);
        }
        catch (QueueDoesNotExistException)
        {
        }
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
