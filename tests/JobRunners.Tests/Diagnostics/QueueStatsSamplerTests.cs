using JobRunners.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using NUnit.Framework;

namespace JobRunners.Tests.Diagnostics;

public sealed class QueueStatsSamplerTests
{
    /// <summary>A host (WebApplicationFactory's, for one) may dispose its singletons before it stops its hosted services.</summary>
    [Test]
    public async Task StopAsync_AfterDispose_DoesNotThrow()
    {
        var sampler = new QueueStatsSampler(Mock.Of<IJobStore>(), Options.Create(new JobRunnersOptions()), TimeProvider.System, NullLogger<QueueStatsSampler>.Instance);
        await sampler.StartAsync(CancellationToken.None);

        sampler.Dispose();

        Assert.That(async () => await sampler.StopAsync(CancellationToken.None), Throws.Nothing);
    }
}
