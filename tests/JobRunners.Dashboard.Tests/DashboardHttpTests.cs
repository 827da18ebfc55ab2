using System.Net;
using Microsoft.AspNetCore.Http;
using NUnit.Framework;

namespace JobRunners.Dashboard.Tests;

/// <summary>The dashboard over plain HTTP: who may see it, what a POST needs, and what a page never shows.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class DashboardHttpTests
{
    [TestCase("X-Forwarded-For", "203.0.113.9")]
    [TestCase("X-Forwarded-For", "127.0.0.1, 10.0.0.7")]
    [TestCase("Forwarded", "for=198.51.100.4;proto=https")]
    public async Task Request_ForwardedForAnotherClient_RefusedSayingHowToAllow(string header, string value)
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, app.DashboardUrl);
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("only requests from this machine").And.Contain("AllowRemote").And.Contain("RequireAuthorization"));
    }

    [Test]
    public void IsLocal_RemoteAddress_False_LoopbackWithLocalForwarding_True()
    {
        var remote = new DefaultHttpContext();
        remote.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        var local = new DefaultHttpContext();
        local.Connection.RemoteIpAddress = IPAddress.IPv6Loopback;
        local.Request.Headers["X-Forwarded-For"] = "127.0.0.1";
        var unknown = new DefaultHttpContext();

        Assert.That(LocalOnly.IsLocal(remote), Is.False);
        Assert.That(LocalOnly.IsLocal(local), Is.True);
        Assert.That(LocalOnly.IsLocal(unknown), Is.False, "no address is not proof of a local client");
    }

    [Test]
    public async Task Request_RemoteAllowed_Served()
    {
        await using var app = await DashboardApp.StartAsync(o => o.AllowRemote = true);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, app.DashboardUrl);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");

        using var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Post_WithoutAntiforgeryToken_400AndNothingChanged()
    {
        await using var app = await DashboardApp.StartAsync();
        var job = await app.Runner.DispatchJobAsync(DashboardApp.ChargeJob, new CardPayload("ada", "4111 1111 1111 1111"));
        var failed = await app.WaitForFinalAsync(job.Id);
        using var client = new HttpClient();

        using var response = await client.PostAsync($"{app.DashboardUrl}/jobs/{job.Id}/retry", new FormUrlEncodedContent([]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Nothing was changed"));
        Assert.That(await app.Monitor.GetAsync(job.Id), Is.EqualTo(failed));
    }

    [Test]
    public async Task JobPage_MasksSensitiveFieldsAndEncodesText_WithAStrictContentSecurityPolicy()
    {
        await using var app = await DashboardApp.StartAsync();
        var job = await app.Runner.DispatchJobAsync(DashboardApp.ChargeJob, new CardPayload("<script>alert('x')</script>", "4111 1111 1111 1111"));
        await app.WaitForFinalAsync(job.Id);
        using var client = new HttpClient();

        using var response = await client.GetAsync($"{app.DashboardUrl}/jobs/{job.Id}");
        var html = await response.Content.ReadAsStringAsync();
        var list = await client.GetStringAsync($"{app.DashboardUrl}/jobs?status=failed");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Not.Contain("4111 1111 1111 1111"), "a [Sensitive] member is masked");
            Assert.That(html, Does.Not.Contain("<script>alert"), "text from the row is HTML-encoded");
            Assert.That(list, Does.Not.Contain("<script>alert"));
            Assert.That(html, Does.Contain("&lt;script&gt;"));
            Assert.That(html, Does.Not.Contain("Data Source").And.Not.Contain(".db"), "no connection string or file path");
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.Not.Contain("unsafe-inline"));
        });
    }

    [Test]
    public async Task ListPage_BadStatusAndMissingJob_ClearMessages()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = new HttpClient();

        var list = await client.GetStringAsync($"{app.DashboardUrl}/jobs?status=broken");
        using var missing = await client.GetAsync($"{app.DashboardUrl}/jobs/987654");

        Assert.That(list, Does.Contain("&#x27;broken&#x27; is not a job status"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await missing.Content.ReadAsStringAsync(), Does.Contain("No job has id 987654"));
    }
}
