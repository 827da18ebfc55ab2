using NUnit.Framework;

namespace JobRunners.Conformance;

public abstract partial class RunnerConformanceTests
{
    /// <summary>An unknown job name fails at dispatch, listing the registered names, and writes no row.</summary>
    [Test]
    public async Task DispatchJob_UnknownName_ThrowsListingKnownJobsAndWritesNoRow()
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<UnknownHandlerException>(async () => await host.Runner.DispatchJobAsync("kit.no-such-job", new ProbePayload(NewKey())));

        Assert.That(error!.Message, Does.Contain("kit.no-such-job").And.Contain(ProbeHandlers.OkJob).And.Contain(ProbeHandlers.ProgressJob));
        Assert.That(await host.Store.ListAsync(new JobQuery()), Is.Empty);
    }

    /// <summary>An unknown task name fails at dispatch, listing the registered names.</summary>
    [Test]
    public async Task DispatchTask_UnknownName_ThrowsListingKnownTasks()
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<UnknownHandlerException>(async () => await host.Runner.DispatchTaskAsync("kit.no-such-task", new ProbePayload(NewKey())));

        Assert.That(error!.Message, Does.Contain("kit.no-such-task").And.Contain(ProbeHandlers.CountTask));
    }

    /// <summary>An invalid job payload fails at dispatch naming each bad field, and writes no row.</summary>
    [Test]
    public async Task DispatchJob_InvalidPayload_ThrowsNamingFieldsAndWritesNoRow()
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<PayloadValidationException>(async () =>
            await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new { key = (string?)null, count = 5000 }));

        Assert.That(error!.Errors.Select(e => e.Field), Is.EquivalentTo(new[] { "Key", "Count" }));
        Assert.That(error.Message, Does.Contain(ProbeHandlers.OkJob).And.Contain("Key").And.Contain("Count"));
        Assert.That(await host.Store.ListAsync(new JobQuery()), Is.Empty);
    }

    /// <summary>An invalid task payload fails at dispatch naming the field.</summary>
    [Test]
    public async Task DispatchTask_InvalidPayload_ThrowsNamingField()
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<PayloadValidationException>(async () =>
            await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(NewKey(), -1)));

        Assert.That(error!.Errors.Single().Field, Is.EqualTo("Count"));
    }

    /// <summary>
    /// A runner missing settings stops startup naming every one; a runner that needs none reports fully configured.
    /// </summary>
    [Test]
    public async Task Startup_RunnerNotFullyConfigured_FailsNamingEveryMissingSetting()
    {
        if (UnconfiguredSettings is null)
        {
            await using var host = await StartHostAsync();
            var check = host.Runner.CheckConfiguration();
            Assert.Multiple(() =>
            {
                Assert.That(check.FullyConfigured, Is.True, check.ToString());
                Assert.That(check.Runner, Is.EqualTo(RunnerName));
            });
            return;
        }

        using var unconfigured = BuildHost(UnconfiguredSettings);
        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(async () => await unconfigured.StartAsync());

        Assert.That(error!.Configuration.Runner, Is.EqualTo(RunnerName));
        Assert.That(error.Configuration.Missing.Select(m => m.Name), Is.SupersetOf(ExpectedMissingSettings));
        foreach (var setting in ExpectedMissingSettings)
        {
            Assert.That(error.Message, Does.Contain(setting));
        }
    }
}
