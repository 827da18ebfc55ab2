using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>Closes the shared forward listener after the run.</summary>
[SetUpFixture]
public sealed class TestSetup
{
    [OneTimeTearDown]
    public void StopListener() => ForwardListener.Stop();
}
