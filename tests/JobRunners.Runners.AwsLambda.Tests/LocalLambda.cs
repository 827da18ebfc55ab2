using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>
/// Where the local services are: serverless-offline's Invoke API (function <c>jobrunners-test-worker</c>, whose
/// Node handler forwards every event to <see cref="ForwardUrl"/>) and fauxqs. Defaults match scripts/services.sh.
/// </summary>
internal static class LocalLambda
{
    public const string FunctionName = "jobrunners-test-worker";
    public const string Region = "us-east-1";

    public static string LambdaUrl => Environment.GetEnvironmentVariable("JOBRUNNERS_TEST_LAMBDA_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:3002";

    public static Uri ForwardUrl => new(Environment.GetEnvironmentVariable("JOBRUNNERS_LAMBDA_FORWARD_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:55980/invoke");

    public static string SqsUrl => Environment.GetEnvironmentVariable("JOBRUNNERS_TEST_SQS_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:4566";

    /// <summary>The runner settings for the local Invoke API.</summary>
    public static void AddSettings(IDictionary<string, string?> settings)
    {
        settings["JobRunners:AwsLambda:FunctionName"] = FunctionName;
        settings["JobRunners:AwsLambda:Region"] = Region;
        settings["JobRunners:AwsLambda:ServiceUrl"] = LambdaUrl;
        settings["JobRunners:AwsLambda:SqsServiceUrl"] = SqsUrl;
        settings["JobRunners:AwsLambda:AccessKeyId"] = "test";
        settings["JobRunners:AwsLambda:SecretAccessKey"] = "test";
    }

    /// <summary>Fails the test (never skips) when serverless-offline does not answer.</summary>
    public static async Task RequireAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.PostAsync(new Uri($"{LambdaUrl}/2015-03-31/functions/jobrunners-probe-missing/invocations"), new StringContent("{}"));
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }

            Assert.Fail($"{LambdaUrl} answered {(int)response.StatusCode} where the Lambda Invoke API answers 404 for a missing function. Run ./scripts/test.sh, or scripts/services.sh start lambda.");
        }
        catch (HttpRequestException ex)
        {
            Assert.Fail($"The local Lambda Invoke API (serverless-offline) is not reachable at {LambdaUrl}: {ex.Message}. Run ./scripts/test.sh, or scripts/services.sh start lambda.");
        }
    }

    /// <summary>Fails the test when fauxqs does not answer.</summary>
    public static async Task RequireSqsAsync()
    {
        var uri = new Uri(SqsUrl);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(uri.Host, uri.Port);
        }
        catch (SocketException ex)
        {
            Assert.Fail($"fauxqs (local SQS) is not reachable at {SqsUrl}: {ex.Message}. Run ./scripts/test.sh, or scripts/services.sh start fauxqs.");
        }
    }

    /// <summary>A TCP port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
