using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobRunners.Tests.Documentation;

/// <summary>
/// Compiles documentation blocks with Roslyn against this test's assemblies (the .NET and ASP.NET Core shared
/// frameworks, JobRunners and every runner). A block with top-level statements compiles as a program, a block of
/// declarations only as a library; each on its own, with <see cref="SnippetPrelude"/>.
/// </summary>
internal static class SnippetCompiler
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // The test's own assemblies stay out: a block must not see test types or the test web app's Program.
    private static readonly string[] ExcludedAssemblyPrefixes =
        ["JobRunners.Tests", "JobRunners.Conformance", "nunit", "NUnit3", "Moq", "Castle.", "testhost", "Microsoft.TestPlatform", "Microsoft.VisualStudio.TestPlatform"];

    private static readonly Lazy<List<MetadataReference>> References = new(LoadReferences);

    private static readonly Lazy<SyntaxTree> Prelude = new(() =>
        CSharpSyntaxTree.ParseText(SnippetPrelude.Source, ParseOptions, path: "SnippetPrelude.cs"));

    /// <summary>Compiles every block, in parallel; returns one line per error or warning, as <c>file:line: id: message</c>.</summary>
    public static IReadOnlyList<string> Compile(IReadOnlyList<CodeBlock> blocks)
    {
        var problems = new ConcurrentBag<(CodeBlock Block, int Line, string Text)>();
        Parallel.ForEach(blocks, block =>
        {
            foreach (var (line, text) in Compile(block))
            {
                problems.Add((block, line, text));
            }
        });

        return problems
            .OrderBy(p => p.Block.File, StringComparer.Ordinal).ThenBy(p => p.Line)
            .Select(p => $"{p.Block.File}:{p.Line}: {p.Text}")
            .ToList();
    }

    private static IEnumerable<(int Line, string Text)> Compile(CodeBlock block)
    {
        var tree = CSharpSyntaxTree.ParseText(block.Code, ParseOptions, path: block.File);
        var isProgram = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var options = new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            // As the .NET SDK does for every project: an older assembly version a package was built against unifies with the newer one.
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress });
        var compilation = CSharpCompilation.Create(
            $"Snippet_{Path.GetFileNameWithoutExtension(block.File)}_{block.Line}",
            [Prelude.Value, tree],
            References.Value,
            options);

        return compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => (
                Line: d.Location.SourceTree == tree ? block.Line + d.Location.GetLineSpan().StartLinePosition.Line : block.Line,
                Text: $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    private static List<MetadataReference> LoadReferences()
    {
        // The trusted platform assemblies are what this test process runs with: the shared frameworks (this project
        // references ASP.NET Core) and every assembly the test's output holds, JobRunners and the runners included.
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return trusted
            .Where(path => !ExcludedAssemblyPrefixes.Any(prefix => Path.GetFileName(path).StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
    }
}
