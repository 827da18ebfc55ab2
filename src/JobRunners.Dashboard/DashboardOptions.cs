namespace JobRunners.Dashboard;

/// <summary>Settings of the dashboard (<c>services.AddJobRunnersDashboard(o => ...)</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>
    /// False (the default): only requests from the local machine are served (loopback, with no forwarding header
    /// naming another client); others get 403. True: every request is served, so require an authorization policy on
    /// the route group <c>MapJobRunnersDashboard</c> returns.
    /// </summary>
    public bool AllowRemote { get; set; }

    /// <summary>Jobs per page of the list (1 to 500; default 50).</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>How often the pages refresh running jobs' progress (default 2 seconds; zero turns polling off).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The title at the top of every page.</summary>
    public string Title { get; set; } = "JobRunners";
}
