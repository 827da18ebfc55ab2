using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobRunners.Dashboard;

/// <summary>
/// Refuses requests from other machines unless <see cref="DashboardOptions.AllowRemote"/>: the client must be a
/// loopback address, and no forwarding header may name another client (a local reverse proxy forwarding the world
/// would otherwise make every request look local).
/// </summary>
internal static class LocalOnly
{
    public const string Refusal =
        "The JobRunners dashboard serves only requests from this machine. To open it to others, set DashboardOptions.AllowRemote = true " +
        "and require an authorization policy on it: app.MapJobRunnersDashboard(\"/jobs\").RequireAuthorization(\"your-policy\").";

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var options = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value;
        if (options.AllowRemote || IsLocal(context))
        {
            return await next(invocation).ConfigureAwait(false);
        }

        Page.SetSecurityHeaders(context.Response, nonce: null);
        return Results.Text(Refusal, "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
    }

    public static bool IsLocal(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
        {
            return false;
        }

        foreach (var value in context.Request.Headers["X-Forwarded-For"])
        {
            foreach (var hop in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!IPAddress.TryParse(hop, out var address) || !IPAddress.IsLoopback(address))
                {
                    return false;
                }
            }
        }

        // RFC 7239: any "for=" naming a client means the request was forwarded; only a loopback one is local.
        foreach (var value in context.Request.Headers["Forwarded"])
        {
            foreach (var part in (value ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (part.StartsWith("for=", StringComparison.OrdinalIgnoreCase))
                {
                    var who = part[4..].Trim('"').TrimStart('[').Split(']')[0];
                    if (!IPAddress.TryParse(who, out var address) || !IPAddress.IsLoopback(address))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }
}
