using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace JobRunners.Dashboard;

/// <summary>
/// One HTML page being written: the layout (title, navigation, flash message), encoding helpers and the response
/// headers (Content-Security-Policy with a per-response nonce for the one style block and the polling script).
/// Everything dynamic goes through <see cref="E"/>.
/// </summary>
internal sealed class Page
{
    private const string Css = """
        :root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--accent:#0969da;--bad:#cf222e;--ok:#1a7f37;--warn:#9a6700}
        @media(prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#30363d;--accent:#4493f8;--bad:#f85149;--ok:#3fb950;--warn:#d29922}}
        *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
        header{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;padding:.75rem 1rem;border-bottom:1px solid var(--line)}
        header strong{font-size:1.1rem}nav a{margin-right:1rem}a{color:var(--accent)}a:focus,button:focus,input:focus,select:focus{outline:3px solid var(--accent);outline-offset:2px}
        main{padding:1rem;max-width:1200px;margin:auto}h1{font-size:1.4rem;margin:.25rem 0 1rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
        .scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
        th{color:var(--muted);font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .failed{color:var(--bad)}.succeeded{color:var(--ok)}.running,.queued{color:var(--warn)}.muted{color:var(--muted)}
        .flash{padding:.6rem .8rem;border:1px solid var(--line);border-left:4px solid var(--accent);margin-bottom:1rem}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem}.card{border:1px solid var(--line);padding:.6rem .8rem;border-radius:6px}.card b{display:block;font-size:1.5rem}
        form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin-bottom:1rem}label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
        input,select,button{font:inherit;padding:.35rem .5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
        button{cursor:pointer;border-color:var(--accent)}button.danger{border-color:var(--bad);color:var(--bad)}
        .actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}.actions a{padding:.35rem .7rem;border:1px solid var(--accent);border-radius:6px;text-decoration:none}
        pre{white-space:pre-wrap;word-break:break-word;background:rgba(127,127,127,.08);padding:.6rem;border-radius:6px}
        dl{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.25rem 1rem}dt{color:var(--muted)}dd{margin:0;word-break:break-word}
        progress{width:7rem}
        """;

    private readonly StringBuilder _body = new();

    public Page(HttpContext context, string basePath, DashboardOptions options, string title)
    {
        Context = context;
        Base = basePath;
        Options = options;
        Title = title;
        Nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
    }

    public HttpContext Context { get; }

    /// <summary>The dashboard's own path (path base and the prefix it was mapped at), without a trailing slash.</summary>
    public string Base { get; }

    public DashboardOptions Options { get; }

    public string Title { get; }

    public string Nonce { get; }

    /// <summary>HTML-encodes any value (null is empty).</summary>
    public static string E(object? value) => HtmlEncoder.Default.Encode(value switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    });

    /// <summary>A URL inside the dashboard, with encoded query values (null values left out).</summary>
    public string Url(string path, params (string Name, object? Value)[] query)
    {
        var text = new StringBuilder(Base).Append(path);
        var first = true;
        foreach (var (name, value) in query)
        {
            if (value is null || (value is string s && s.Length == 0))
            {
                continue;
            }

            text.Append(first ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=')
                .Append(Uri.EscapeDataString(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
            first = false;
        }

        return text.ToString();
    }

    public static string When(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "-";

    public static string Age(TimeSpan? age) => age switch
    {
        null => "-",
        { TotalSeconds: < 90 } a => string.Create(CultureInfo.InvariantCulture, $"{a.TotalSeconds:0} s"),
        { TotalMinutes: < 90 } a => string.Create(CultureInfo.InvariantCulture, $"{a.TotalMinutes:0} min"),
        { TotalHours: < 48 } a => string.Create(CultureInfo.InvariantCulture, $"{a.TotalHours:0.#} h"),
        { } a => string.Create(CultureInfo.InvariantCulture, $"{a.TotalDays:0.#} days"),
    };

    public static string Status(JobStatus status) => $"<span class=\"{status.ToStoredValue()}\">{status.ToStoredValue()}</span>";

    public Page Raw(string html)
    {
        _body.Append(html);
        return this;
    }

    /// <summary>A form's antiforgery field.</summary>
    public string Antiforgery(Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(Context);
        return $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";
    }

    /// <summary>Writes the page with its headers; <paramref name="pollIds"/> turns on progress polling for those running jobs.</summary>
    public Task WriteAsync(string? flash = null, IReadOnlyCollection<long>? pollIds = null, int statusCode = StatusCodes.Status200OK)
    {
        var response = Context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        SetSecurityHeaders(response, Nonce);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<meta name=\"robots\" content=\"noindex\"><title>").Append(E(Title)).Append(" · ").Append(E(Options.Title)).Append("</title>")
            .Append("<style nonce=\"").Append(Nonce).Append("\">").Append(Css).Append("</style></head><body>")
            .Append("<header><strong>").Append(E(Options.Title)).Append("</strong><nav aria-label=\"Dashboard\">")
            .Append("<a href=\"").Append(E(Url("/"))).Append("\">Overview</a>")
            .Append("<a href=\"").Append(E(Url("/jobs"))).Append("\">Jobs</a>")
            .Append("<a href=\"").Append(E(Url("/jobs", ("status", "failed")))).Append("\">Failed</a>")
            .Append("<a href=\"").Append(E(Url("/schedules"))).Append("\">Schedules</a>")
            .Append("</nav></header><main>");
        if (flash is not null)
        {
            html.Append("<p class=\"flash\" role=\"status\">").Append(E(flash)).Append("</p>");
        }

        html.Append(_body).Append("</main>");
        if (pollIds is { Count: > 0 } && Options.PollInterval > TimeSpan.Zero)
        {
            html.Append("<script nonce=\"").Append(Nonce).Append("\">").Append(PollScript(Url("/progress", ("ids", string.Join(',', pollIds))), (int)Options.PollInterval.TotalMilliseconds)).Append("</script>");
        }

        html.Append("</body></html>");
        return response.WriteAsync(html.ToString(), Context.RequestAborted);
    }

    public static void SetSecurityHeaders(HttpResponse response, string? nonce)
    {
        var inline = nonce is null ? "'none'" : $"'nonce-{nonce}'";
        response.Headers.ContentSecurityPolicy = $"default-src 'none'; style-src {inline}; script-src {inline}; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
    }

    // Refreshes each running job's progress bar and status; once one of them finishes, reloads the page so its
    // buttons and columns match the row. Without JavaScript the page's Refresh link does the same.
    private static string PollScript(string url, int every) => $$$"""
        (function(){var url={{{System.Text.Json.JsonSerializer.Serialize(url)}}};
        function tick(){fetch(url,{headers:{'Accept':'application/json'}}).then(function(r){return r.ok?r.json():null}).then(function(rows){
          if(!rows)return;var done=false;
          rows.forEach(function(j){var el=document.querySelector('[data-job-id="'+j.id+'"]');if(!el)return;
            var bar=el.querySelector('progress');if(bar){bar.value=j.progress;bar.textContent=j.progress+'%';}
            var st=el.querySelector('[data-status]');if(st){st.textContent=j.status;st.className=j.status;}
            if(j.status!=='running'&&j.status!=='queued')done=true;});
          if(done){location.reload();}else{setTimeout(tick,{{{every}}});}
        }).catch(function(){setTimeout(tick,{{{every}}}*5);});}
        setTimeout(tick,{{{every}}});})();
        """;
}
