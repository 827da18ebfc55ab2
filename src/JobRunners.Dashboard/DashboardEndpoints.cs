using System.Globalization;
using System.Text;
using JobRunners.Scheduling;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static JobRunners.Dashboard.Page;

namespace JobRunners.Dashboard;

/// <summary>
/// The dashboard's routes: pages are GETs that only read; every change is a POST carrying an antiforgery token,
/// reached through a confirmation page, answered with a redirect (post/redirect/get) and a one-time flash message.
/// </summary>
internal static class DashboardEndpoints
{
    private const string FlashCookie = "jobrunners-flash";

    private static readonly string[] JobActions = ["retry", "cancel", "run-now", "delete"];

    public static void Map(RouteGroupBuilder group, string prefix)
    {
        group.MapGet("/", (HttpContext c, IJobMonitor m) => OverviewAsync(Start(c, prefix, "Overview"), m));
        group.MapGet("/jobs", (HttpContext c, IJobMonitor m) => ListAsync(Start(c, prefix, "Jobs"), m));
        group.MapGet("/jobs/{id:long}", (HttpContext c, long id, IJobMonitor m, JobRegistry r) => JobAsync(Start(c, prefix, $"Job {id}"), id, m, r));
        group.MapGet("/jobs/{id:long}/{action}", (HttpContext c, long id, string action, IJobMonitor m, IAntiforgery a) => ConfirmAsync(Start(c, prefix, "Confirm"), id, action, m, a));
        group.MapPost("/jobs/{id:long}/{action}", (HttpContext c, long id, string action, IJobMonitor m, IAntiforgery a) => ActAsync(c, prefix, id, action, m, a));
        group.MapGet("/progress", ProgressAsync);
        group.MapGet("/schedules", (HttpContext c, IServiceProvider s, IAntiforgery a) => SchedulesAsync(Start(c, prefix, "Schedules"), s, a));
        group.MapPost("/schedules/{tag}/{action}", (HttpContext c, string tag, string action, IServiceProvider s, IAntiforgery a) => ScheduleActAsync(c, prefix, tag, action, s, a));
    }

    private static Page Start(HttpContext context, string prefix, string title) =>
        new(context, context.Request.PathBase + prefix, context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value, title);

    private static async Task OverviewAsync(Page page, IJobMonitor monitor)
    {
        var stats = await monitor.GetStatsAsync(15, page.Context.RequestAborted).ConfigureAwait(false);
        var byStatus = stats.Counts.GroupBy(c => c.Status).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        var html = new StringBuilder("<h1>Overview</h1><div class=\"cards\">");
        foreach (var status in Statuses)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a class=\"card\" href=\"{E(page.Url("/jobs", ("status", status.ToStoredValue())))}\"><b>{byStatus.GetValueOrDefault(status)}</b>{E(status.ToStoredValue())}</a>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<div class=\"card\"><b class=\"{(stats.FailedLastHour > 0 ? "failed" : "")}\">{stats.FailedLastHour}</b>failed in the last hour</div>");
        var oldest = stats.Queues.Max(q => q.OldestDueAge);
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"card\"><b>{E(Age(oldest))}</b>oldest queued job waits</div></div>");

        html.Append("<h2 id=\"by-type\">Jobs by type and status</h2><div class=\"scroll\"><table aria-labelledby=\"by-type\"><thead><tr><th scope=\"col\">Job type</th>");
        foreach (var status in Statuses)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\" class=\"num\">{E(status.ToStoredValue())}</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var type in stats.Counts.Select(c => c.JobType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\"><a href=\"{E(page.Url("/jobs", ("type", type)))}\">{E(type)}</a></th>");
            foreach (var status in Statuses)
            {
                var count = stats.Counts.Where(c => c.JobType == type && c.Status == status).Sum(c => c.Count);
                html.Append(count == 0
                    ? "<td class=\"num muted\">0</td>"
                    : string.Create(CultureInfo.InvariantCulture, $"<td class=\"num\"><a href=\"{E(page.Url("/jobs", ("type", type), ("status", status.ToStoredValue())))}\">{count}</a></td>"));
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table></div>");
        html.Append("<h2 id=\"queues\">Queues</h2>");
        if (stats.Queues.Count == 0)
        {
            html.Append("<p class=\"muted\">Nothing is queued.</p>");
        }
        else
        {
            html.Append("<div class=\"scroll\"><table aria-labelledby=\"queues\"><thead><tr><th scope=\"col\">Queue</th><th scope=\"col\" class=\"num\">Queued</th><th scope=\"col\" class=\"num\">Due</th><th scope=\"col\" class=\"num\">Oldest due job waits</th></tr></thead><tbody>");
            foreach (var queue in stats.Queues)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\"><a href=\"{E(page.Url("/jobs", ("queue", queue.QueueName), ("status", "queued")))}\">{E(queue.QueueName)}</a></th><td class=\"num\">{queue.Queued}</td><td class=\"num\">{queue.Due}</td><td class=\"num\">{E(Age(queue.OldestDueAge))}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<h2 id=\"throughput\">Finished in the last 15 minutes: {stats.Throughput.Sum(t => t.Succeeded)} succeeded, {stats.Throughput.Sum(t => t.Failed)} failed</h2>");
        if (stats.Throughput.Count > 0)
        {
            html.Append("<div class=\"scroll\"><table aria-labelledby=\"throughput\"><thead><tr><th scope=\"col\">Minute</th><th scope=\"col\" class=\"num\">Succeeded</th><th scope=\"col\" class=\"num\">Failed</th></tr></thead><tbody>");
            foreach (var sample in stats.Throughput.Reverse())
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(sample.Minute.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture))}</td><td class=\"num\">{sample.Succeeded}</td><td class=\"num\">{sample.Failed}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("<h2 id=\"workers\">Workers seen in the last 15 minutes</h2>");
        if (stats.Workers.Count == 0)
        {
            html.Append("<p class=\"muted\">No worker claimed or finished a job in the last 15 minutes.</p>");
        }
        else
        {
            html.Append("<div class=\"scroll\"><table aria-labelledby=\"workers\"><thead><tr><th scope=\"col\">Worker</th><th scope=\"col\" class=\"num\">Running</th><th scope=\"col\">Last seen</th></tr></thead><tbody>");
            foreach (var worker in stats.Workers)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(worker.WorkerId)}</td><td class=\"num\">{worker.Running}</td><td>{E(Age(stats.At - worker.LastSeenAt))} ago</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        await page.Raw(html.ToString()).WriteAsync(TakeFlash(page.Context, page.Base)).ConfigureAwait(false);
    }

    private static async Task ListAsync(Page page, IJobMonitor monitor)
    {
        var request = page.Context.Request;
        string? Param(string name) => request.Query[name].FirstOrDefault() is { Length: > 0 } v ? v : null;
        var statusText = Param("status");
        JobStatus? status = null;
        string? problem = null;
        if (statusText is not null)
        {
            try
            {
                status = JobStatusExtensions.ParseStatus(statusText);
            }
            catch (ArgumentException)
            {
                problem = $"'{statusText}' is not a job status: choose one from the list.";
            }
        }

        long? before = long.TryParse(Param("before"), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : null;
        var query = new JobQuery { Status = status, JobType = Param("type"), QueueName = Param("queue"), BeforeId = before, Limit = page.Options.PageSize };
        var result = problem is null ? await monitor.QueryAsync(query, page.Context.RequestAborted).ConfigureAwait(false) : new JobPage { Items = [] };

        var html = new StringBuilder("<h1>Jobs</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<form class=\"filters\" method=\"get\" action=\"{E(page.Url("/jobs"))}\" role=\"search\">");
        html.Append("<label for=\"f-status\">Status<select id=\"f-status\" name=\"status\"><option value=\"\">any</option>");
        foreach (var s in Statuses)
        {
            html.Append(CultureInfo.InvariantCulture, $"<option{(s == status ? " selected" : "")}>{E(s.ToStoredValue())}</option>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</select></label><label for=\"f-type\">Job type<input id=\"f-type\" name=\"type\" value=\"{E(query.JobType)}\"></label>");
        html.Append(CultureInfo.InvariantCulture, $"<label for=\"f-queue\">Queue<input id=\"f-queue\" name=\"queue\" value=\"{E(query.QueueName)}\"></label>");
        html.Append("<button type=\"submit\">Filter</button>");
        html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(page.Url("/jobs", ("status", statusText), ("type", query.JobType), ("queue", query.QueueName), ("before", before)))}\">Refresh</a></form>");
        if (problem is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"failed\" role=\"alert\">{E(problem)}</p>");
        }

        if (result.Items.Count == 0)
        {
            html.Append("<p class=\"muted\">No job matches.</p>");
        }
        else
        {
            html.Append("<div class=\"scroll\"><table aria-label=\"Jobs, newest first\"><thead><tr><th scope=\"col\" class=\"num\">Id</th><th scope=\"col\">Job type</th><th scope=\"col\">Queue</th><th scope=\"col\">Status</th><th scope=\"col\">Attempts</th><th scope=\"col\">Progress</th><th scope=\"col\">Created</th><th scope=\"col\">Last error or result</th></tr></thead><tbody>");
            foreach (var job in result.Items)
            {
                var note = job.Status == JobStatus.Failed || (job.Status == JobStatus.Queued && job.LastError is not null) ? job.LastError : job.ResultMessage;
                html.Append(CultureInfo.InvariantCulture, $"<tr data-job-id=\"{job.Id}\"><td class=\"num\"><a href=\"{E(page.Url($"/jobs/{job.Id}"))}\">{job.Id}</a></td><td>{E(job.JobType)}</td><td>{E(job.QueueName)}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td><span data-status class=\"{job.Status.ToStoredValue()}\">{job.Status.ToStoredValue()}</span></td><td>{job.Attempts}/{job.MaxAttempts}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td><progress max=\"100\" value=\"{job.Progress}\" aria-label=\"Progress of job {job.Id}\">{job.Progress}%</progress></td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{E(When(job.CreatedAt))}</td><td>{E(Clip(note, 160))}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        if (result.NextBeforeId is { } next)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><a rel=\"next\" href=\"{E(page.Url("/jobs", ("status", statusText), ("type", query.JobType), ("queue", query.QueueName), ("before", next)))}\">Older jobs</a></p>");
        }

        var polling = result.Items.Where(j => j.Status is JobStatus.Running or JobStatus.Queued).Select(j => j.Id).Take(200).ToList();
        await page.Raw(html.ToString()).WriteAsync(TakeFlash(page.Context, page.Base), polling).ConfigureAwait(false);
    }

    private static async Task JobAsync(Page page, long id, IJobMonitor monitor, JobRegistry registry)
    {
        var job = await monitor.GetAsync(id, page.Context.RequestAborted).ConfigureAwait(false);
        if (job is null)
        {
            await page.Raw($"<h1>Job {id}</h1><p>No job has id {id}: it was never written, or was deleted or pruned.</p>").WriteAsync(TakeFlash(page.Context, page.Base), statusCode: StatusCodes.Status404NotFound).ConfigureAwait(false);
            return;
        }

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Job {job.Id}: {E(job.JobType)} <span data-status class=\"{job.Status.ToStoredValue()}\">{job.Status.ToStoredValue()}</span></h1>");
        html.Append("<div class=\"actions\">");
        foreach (var action in AllowedActions(job))
        {
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(page.Url($"/jobs/{job.Id}/{action}"))}\">{E(ActionLabel(action))}</a>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(page.Url($"/jobs/{job.Id}"))}\">Refresh</a></div>");
        html.Append(CultureInfo.InvariantCulture, $"<div data-job-id=\"{job.Id}\"><dl>");
        void Row(string name, string valueHtml) => html.Append(CultureInfo.InvariantCulture, $"<dt>{E(name)}</dt><dd>{valueHtml}</dd>");
        Row("Id", E(job.Id));
        Row("Job type", E(job.JobType));
        Row("Queue", E(job.QueueName) + (job.LocksQueue ? " (locks its queue while it runs)" : ""));
        Row("Status", $"<span data-status class=\"{job.Status.ToStoredValue()}\">{job.Status.ToStoredValue()}</span>");
        Row("Progress", $"<progress max=\"100\" value=\"{job.Progress}\" aria-label=\"Progress\">{job.Progress}%</progress> {job.Progress}%");
        Row("Attempts", E(string.Create(CultureInfo.InvariantCulture, $"{job.Attempts} of {job.MaxAttempts}")));
        Row("Retried by an operator", E(job.Retries));
        Row("Result", E(job.ResultMessage ?? "-"));
        Row("Last error", job.LastError is null ? "-" : $"<pre class=\"failed\">{E(job.LastError)}</pre>");
        Row("Priority", E(job.Priority));
        Row("Run at", E(When(job.RunAt)));
        Row("Identity", E(job.UniqueKey ?? "-"));
        Row("Identity held", E(IdentityText.Held(job)));
        Row("Runner", E(job.Runner ?? "-"));
        Row("Dispatched", E(When(job.DispatchedAt)));
        Row("Claimed", E(job.Assigned ? "yes" : "no"));
        Row("Worker", job.LockedBy is null ? "-" : job.LockedUntil is null ? E(job.LockedBy) : $"{E(job.LockedBy)} (lease until {E(When(job.LockedUntil))})");
        Row("Created", E(When(job.CreatedAt)));
        Row("Started", E(When(job.StartedAt)));
        Row("Finished", E(When(job.FinishedAt)));
        Row("Updated", E(When(job.UpdatedAt)));
        Row("Trace", E(job.TraceParent ?? "-"));
        html.Append("</dl></div><h2 id=\"payload\">Payload</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<pre aria-labelledby=\"payload\">{E(Indent(registry.MaskPayload(job.JobType, job.Payload)))}</pre>");
        var polling = job.Status is JobStatus.Running or JobStatus.Queued ? new[] { job.Id } : [];
        await page.Raw(html.ToString()).WriteAsync(TakeFlash(page.Context, page.Base), polling).ConfigureAwait(false);
    }

    private static async Task ConfirmAsync(Page page, long id, string action, IJobMonitor monitor, IAntiforgery antiforgery)
    {
        if (!JobActions.Contains(action))
        {
            await page.Raw($"<h1>Unknown action</h1><p>'{E(action)}' is not an action: use retry, cancel, run-now or delete.</p>").WriteAsync(statusCode: StatusCodes.Status404NotFound).ConfigureAwait(false);
            return;
        }

        var job = await monitor.GetAsync(id, page.Context.RequestAborted).ConfigureAwait(false);
        var what = job is null ? $"job {id}" : $"job {id} ({job.JobType}, {job.Status.ToStoredValue()})";
        var html = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<h1>{E(ActionLabel(action))} {E(what)}?</h1><p>{E(ActionMeaning(action))}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{E(page.Url($"/jobs/{id}/{action}"))}\" class=\"actions\">{page.Antiforgery(antiforgery)}")
            .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"{(action is "delete" or "cancel" ? "danger" : "")}\" autofocus>Yes, {E(ActionLabel(action).ToLowerInvariant())}</button>")
            .Append(CultureInfo.InvariantCulture, $"<a href=\"{E(page.Url($"/jobs/{id}"))}\">No, go back</a></form>");
        await page.Raw(html.ToString()).WriteAsync().ConfigureAwait(false);
    }

    private static async Task<IResult> ActAsync(HttpContext context, string prefix, long id, string action, IJobMonitor monitor, IAntiforgery antiforgery)
    {
        if (await RefusedAsync(context, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var token = context.RequestAborted;
        var result = action switch
        {
            "retry" => await monitor.RetryAsync(id, token).ConfigureAwait(false),
            "cancel" => await monitor.CancelAsync(id, "Cancelled from the dashboard.", token).ConfigureAwait(false),
            "run-now" => await monitor.RunNowAsync(id, token).ConfigureAwait(false),
            "delete" => await monitor.DeleteAsync(id, token).ConfigureAwait(false),
            _ => null,
        };
        if (result is null)
        {
            return Results.NotFound();
        }

        var basePath = context.Request.PathBase + prefix;
        SetFlash(context, basePath, result.Message);
        return Results.Redirect(action == "delete" && result.Succeeded ? basePath + "/jobs" : $"{basePath}/jobs/{id}");
    }

    private static async Task<IResult> ProgressAsync(HttpContext context, IJobMonitor monitor)
    {
        var ids = (context.Request.Query["ids"].FirstOrDefault() ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0).Distinct().Take(200).ToList();
        var jobs = await monitor.GetManyAsync(ids, context.RequestAborted).ConfigureAwait(false);
        var rows = jobs.Select(job => new { id = job.Id, status = job.Status.ToStoredValue(), progress = job.Progress, message = job.ResultMessage });
        Page.SetSecurityHeaders(context.Response, nonce: null);
        return Results.Json(rows);
    }

    private static async Task SchedulesAsync(Page page, IServiceProvider services, IAntiforgery antiforgery)
    {
        var html = new StringBuilder("<h1>Schedules</h1>");
        IReadOnlyList<Scheduling.JobSchedule> schedules;
        try
        {
            schedules = await services.GetRequiredService<IRecurringJobs>().ListAsync(page.Context.RequestAborted).ConfigureAwait(false);
        }
        catch (JobRunnerException ex)
        {
            await page.Raw(html.Append(CultureInfo.InvariantCulture, $"<p>{E(ex.Message)}</p>").ToString()).WriteAsync(TakeFlash(page.Context, page.Base)).ConfigureAwait(false);
            return;
        }

        if (schedules.Count == 0)
        {
            html.Append("<p class=\"muted\">No schedule is defined.</p>");
        }
        else
        {
            var field = page.Antiforgery(antiforgery);
            html.Append("<div class=\"scroll\"><table aria-label=\"Schedules\"><thead><tr><th scope=\"col\">Tag</th><th scope=\"col\">Job type</th><th scope=\"col\">When</th><th scope=\"col\">Next run</th><th scope=\"col\">Last run</th><th scope=\"col\">State</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
            foreach (var schedule in schedules)
            {
                var when = schedule.Cron is { } cron ? $"cron {cron}{(schedule.TimeZone is { } zone ? $" ({zone})" : "")}" : schedule.Interval is { } every ? $"every {every}" : schedule.Kind.ToStoredValue();
                var last = schedule.LastJobId is { } lastJob ? $"{E(When(schedule.LastRunAt))} (<a href=\"{E(page.Url($"/jobs/{lastJob}"))}\">job {lastJob}</a>)" : E(When(schedule.LastRunAt));
                html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(schedule.Tag)}</th><td>{E(schedule.JobType)}</td><td>{E(when)}</td><td>{E(schedule.Paused ? "paused" : When(schedule.NextRunAt))}</td><td>{last}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{(schedule.Paused ? "<span class=\"queued\">paused</span>" : "active")}{(schedule.LastError is { } error ? $"<br><span class=\"failed\">{E(error)}</span>" : "")}</td><td class=\"actions\">");
                foreach (var action in new[] { schedule.Paused ? "resume" : "pause", "trigger" })
                {
                    html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{E(page.Url($"/schedules/{Uri.EscapeDataString(schedule.Tag)}/{action}"))}\">{field}<button type=\"submit\" aria-label=\"{E(ScheduleLabel(action))} {E(schedule.Tag)}\">{E(ScheduleLabel(action))}</button></form>");
                }

                html.Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        await page.Raw(html.ToString()).WriteAsync(TakeFlash(page.Context, page.Base)).ConfigureAwait(false);
    }

    private static async Task<IResult> ScheduleActAsync(HttpContext context, string prefix, string tag, string action, IServiceProvider services, IAntiforgery antiforgery)
    {
        if (await RefusedAsync(context, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var recurring = services.GetRequiredService<IRecurringJobs>();
        var token = context.RequestAborted;
        string message;
        switch (action)
        {
            case "pause":
                message = await recurring.PauseAsync(tag, token).ConfigureAwait(false) ? $"Schedule {tag} is paused." : $"No schedule has the tag {tag}.";
                break;
            case "resume":
                message = await recurring.ResumeAsync(tag, token).ConfigureAwait(false) ? $"Schedule {tag} is resumed." : $"No schedule has the tag {tag}.";
                break;
            case "trigger":
                var job = await recurring.TriggerAsync(tag, token).ConfigureAwait(false);
                message = job is null ? $"No schedule has the tag {tag}." : $"Schedule {tag} triggered now: job {job.Id}.";
                break;
            default:
                return Results.NotFound();
        }

        var basePath = context.Request.PathBase + prefix;
        SetFlash(context, basePath, message);
        return Results.Redirect(basePath + "/schedules");
    }

    /// <summary>A POST without this dashboard's antiforgery token gets 400 and changes nothing.</summary>
    private static async Task<IResult?> RefusedAsync(HttpContext context, IAntiforgery antiforgery)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            Page.SetSecurityHeaders(context.Response, nonce: null);
            return Results.Text("The form did not come from this dashboard, or it expired: go back, reload the page and try again. Nothing was changed.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static void SetFlash(HttpContext context, string basePath, string message) =>
        context.Response.Cookies.Append(FlashCookie, Uri.EscapeDataString(message), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = string.IsNullOrEmpty(basePath) ? "/" : basePath,
            MaxAge = TimeSpan.FromMinutes(1),
        });

    /// <summary>Reads and removes the one-time message an action left for the page it redirected to.</summary>
    private static string? TakeFlash(HttpContext context, string basePath)
    {
        if (!context.Request.Cookies.TryGetValue(FlashCookie, out var value))
        {
            return null;
        }

        context.Response.Cookies.Delete(FlashCookie, new CookieOptions { Path = string.IsNullOrEmpty(basePath) ? "/" : basePath });
        return Uri.UnescapeDataString(value);
    }

    private static readonly JobStatus[] Statuses = [JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled];

    private static IEnumerable<string> AllowedActions(JobRequest job) => job.Status switch
    {
        JobStatus.Queued => job.RunAt > DateTimeOffset.UtcNow ? ["run-now", "cancel"] : ["cancel"],
        JobStatus.Running => ["cancel"],
        JobStatus.Failed or JobStatus.Cancelled => ["retry", "delete"],
        _ => ["delete"],
    };

    private static string ActionLabel(string action) => action switch
    {
        "retry" => "Retry",
        "cancel" => "Cancel",
        "run-now" => "Run now",
        _ => "Delete",
    };

    private static string ActionMeaning(string action) => action switch
    {
        "retry" => "The job is queued again to run now, with a fresh set of attempts. Its last error stays readable until the next attempt ends.",
        "cancel" => "A queued job will not run. A running job's handler is asked to stop (its cancellation token fires at the next lease heartbeat) and the job ends cancelled.",
        "run-now" => "The job stops waiting for its delay or its next retry and runs as soon as a worker is free.",
        _ => "The job's row is deleted for good. Only finished jobs can be deleted.",
    };

    private static string ScheduleLabel(string action) => action switch
    {
        "pause" => "Pause",
        "resume" => "Resume",
        _ => "Trigger now",
    };

    private static string Clip(string? text, int width) => text is null ? "" : text.Length <= width ? text : text[..(width - 1)] + "…";

    private static string Indent(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return System.Text.Json.JsonSerializer.Serialize(document.RootElement, IndentedJson);
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions IndentedJson = new() { WriteIndented = true };
}
