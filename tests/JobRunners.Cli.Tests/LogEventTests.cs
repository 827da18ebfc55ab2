using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace JobRunners.Cli.Tests;

/// <summary>
/// The log events of every shipped assembly (all of them reach this project through the CLI): operators filter and
/// alert on the ids, so each is unique, named, and listed in docs/logging.md.
/// </summary>
[TestFixture]
public sealed partial class LogEventTests
{
    private static readonly Lazy<IReadOnlyList<LogEvent>> Events = new(FindEvents);

    [Test]
    public void LoggerMessages_AllShippedAssemblies_AreFound()
    {
        var assemblies = Events.Value.Select(e => e.Assembly).Distinct().ToList();

        Assert.That(assemblies, Is.SupersetOf(new[] { "JobRunners", "JobRunners.Cli", "JobRunners.Runners.AwsSqs", "JobRunners.Runners.AzureQueue", "JobRunners.Runners.InProcess", "JobRunners.Runners.PostgreSql" }));
    }

    [Test]
    public void LoggerMessages_AllShippedAssemblies_HaveUniqueNonZeroIds()
    {
        var duplicates = Events.Value.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g)}");

        Assert.Multiple(() =>
        {
            Assert.That(Events.Value.Where(e => e.Id <= 0), Is.Empty, "every event has an id");
            Assert.That(duplicates, Is.Empty, "an id names one event");
        });
    }

    [Test]
    public void LoggerMessages_AllShippedAssemblies_HaveUniqueNames()
    {
        var duplicates = Events.Value.GroupBy(e => e.Name).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g)}");

        Assert.Multiple(() =>
        {
            Assert.That(Events.Value.Where(e => string.IsNullOrEmpty(e.Name)), Is.Empty, "every event has a stable EventName");
            Assert.That(duplicates, Is.Empty, "a name names one event");
        });
    }

    [Test]
    public void LoggerMessages_AllShippedAssemblies_AreListedInDocsWithTheirNameAndLevel()
    {
        var documented = File.ReadLines(Path.Combine(RepositoryRoot(), "docs", "logging.md"))
            .Select(line => TableRow().Match(line))
            .Where(m => m.Success)
            .Select(m => $"{m.Groups["id"].Value} {m.Groups["name"].Value} {m.Groups["level"].Value}")
            .ToList();
        var events = Events.Value.Select(e => $"{e.Id} {e.Name} {e.Level}").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(events.Except(documented), Is.Empty, "events missing from docs/logging.md (or listed with another name or level)");
            Assert.That(documented.Except(events), Is.Empty, "rows of docs/logging.md that no event matches");
        });
    }

    private static List<LogEvent> FindEvents()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(ExitCodes).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("JobRunners", StringComparison.Ordinal)))
            {
                pending.Push(Assembly.Load(reference));
            }
        }

        const BindingFlags Declared = BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        return [.. found.Values
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(Declared))
            .Select(method => (Method: method, Event: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Event is not null)
            .Select(m => new LogEvent(m.Method.DeclaringType!.Assembly.GetName().Name!, $"{m.Method.DeclaringType.Name}.{m.Method.Name}", m.Event!.EventId, m.Event.EventName, m.Event.Level))
            .OrderBy(e => e.Id)];
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "JobRunners.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("JobRunners.sln not found above " + AppContext.BaseDirectory);
    }

    // | 1001 | `AttemptSucceeded` | Debug | ...
    [GeneratedRegex(@"^\|\s*(?<id>\d+)\s*\|\s*`(?<name>[A-Za-z]+)`\s*\|\s*(?<level>[A-Za-z]+)\s*\|")]
    private static partial Regex TableRow();

    private sealed record LogEvent(string Assembly, string Method, int Id, string? Name, LogLevel Level)
    {
        public override string ToString() => $"{Method} ({Assembly})";
    }
}
