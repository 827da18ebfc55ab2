namespace JobRunners.Tests.Documentation;

/// <summary>
/// What every documentation block may rely on without showing it: the usings an ASP.NET Core project has by default
/// (the Web SDK's implicit usings) and the sample types the pages name without declaring (their handlers do no work).
/// Everything from JobRunners itself must be imported by the block, as a user's file would. A block that declares a
/// type with the same name in the global namespace uses its own: the samples live in their own namespace.
/// </summary>
internal static class SnippetPrelude
{
    public const string Source = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Net.Http.Json;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        global using DocSamples;

        namespace DocSamples
        {
            using JobRunners;

            /// <summary>An application service the README's handler uses.</summary>
            public interface IReportService
            {
                ValueTask BuildAsync(string customer, int month, CancellationToken cancellationToken);
            }

            /// <summary>The README's job payload and handler, for the blocks that dispatch or schedule it.</summary>
            public sealed record SendReport(string Customer, int Months = 3);

            public sealed class SendReportHandler : IJobHandler<SendReport>
            {
                public ValueTask HandleAsync(SendReport payload, IJobContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
            }

            /// <summary>The README's task payload.</summary>
            public sealed record Ping(string Target);

            /// <summary>The job payload and handler of the docs/ pages.</summary>
            public sealed record ReportPayload(string Period);

            public sealed class ReportHandler : IJobHandler<ReportPayload>
            {
                public ValueTask HandleAsync(ReportPayload payload, IJobContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
            }
        }
        """;
}
