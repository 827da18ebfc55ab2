using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Tests.Registry;

[TestFixture]
public sealed class RegistrationTests
{
    private static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    private static ValueTask Noop(object payload, IJobContext context, CancellationToken ct) => ValueTask.CompletedTask;

    [Test]
    public void AddJob_DuplicateName_FailsAtStartup()
    {
        var error = Assert.Throws<RegistrationException>(() => new ServiceCollection().AddJobRunners(Empty, jobs => jobs
            .AddInProcessRunner()
            .AddJob<object>("report", Noop)
            .AddJob<object>("report", Noop)));

        Assert.That(error!.Message, Does.Contain("'report'").And.Contain("already registered"));
    }

    [Test]
    public void AddTask_DuplicateName_FailsAtStartup()
    {
        Assert.Throws<RegistrationException>(() => new ServiceCollection().AddJobRunners(Empty, jobs => jobs
            .AddInProcessRunner()
            .AddTask<object>("ping", (_, _, _) => ValueTask.CompletedTask)
            .AddTask<object>("ping", (_, _, _) => ValueTask.CompletedTask)));
    }

    [Test]
    public void AddJob_EmptyName_Fails()
    {
        Assert.Throws<RegistrationException>(() => new ServiceCollection().AddJobRunners(Empty, jobs => jobs.AddInProcessRunner().AddJob<object>(" ", Noop)));
    }

    [Test]
    public void AddJob_InvalidRetryPolicy_FailsNamingTheJob()
    {
        var error = Assert.Throws<RegistrationException>(() => new ServiceCollection().AddJobRunners(Empty, jobs => jobs
            .AddInProcessRunner()
            .AddJob<object>("report", Noop, o => o.Retry = new RetryPolicy { MaxAttempts = 0 })));

        Assert.That(error!.Message, Does.Contain("job 'report'").And.Contain("MaxAttempts"));
    }

    [Test]
    public void AddJobRunners_CalledTwice_Fails()
    {
        var services = new ServiceCollection().AddJobRunners(Empty, jobs => jobs.AddInProcessRunner());

        Assert.Throws<RegistrationException>(() => services.AddJobRunners(Empty, jobs => jobs.AddInProcessRunner()));
    }

    [Test]
    public void AddRunner_DuplicateName_Fails()
    {
        Assert.Throws<RegistrationException>(() => new ServiceCollection().AddJobRunners(Empty, jobs => jobs.AddInProcessRunner().AddInProcessRunner()));
    }
}
