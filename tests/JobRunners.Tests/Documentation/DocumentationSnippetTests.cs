using NUnit.Framework;

namespace JobRunners.Tests.Documentation;

/// <summary>
/// Every C# block of README.md and docs/**/*.md compiles as written, so a reader can paste it. A block may rely on
/// <see cref="SnippetPrelude"/> only; a fragment that is not meant to compile uses another info string (```text).
/// </summary>
[TestFixture]
public sealed class DocumentationSnippetTests
{
    [Test]
    public void CSharpBlocks_InReadmeAndDocs_Compile()
    {
        var blocks = DocumentationBlocks();

        var problems = SnippetCompiler.Compile(blocks);

        Assert.That(blocks, Has.Count.GreaterThan(10), "the Markdown files should hold the samples");
        Assert.That(problems, Is.Empty, $"{problems.Count} problems in {blocks.Count} C# blocks:\n{string.Join('\n', problems)}");
    }

    [Test]
    public void Compile_BrokenBlock_ReportsFileAndLine()
    {
        var markdown = "Intro\n\n```csharp\nusing JobRunners;\n\nIJobRunner runner = null!;\nawait runner.DispatchJobsAsync(42);\n```\n";

        var problems = SnippetCompiler.Compile(CodeBlock.Extract("docs/broken.md", markdown));

        Assert.That(problems, Is.Not.Empty);
        Assert.That(problems[0], Does.StartWith("docs/broken.md:7: CS1503"));
    }

    [Test]
    public void Compile_DeclarationsOnly_CompilesAsLibrary()
    {
        var markdown = "```cs\nusing JobRunners;\n\npublic sealed record Greet(string Name);\n```\n";

        Assert.That(SnippetCompiler.Compile(CodeBlock.Extract("x.md", markdown)), Is.Empty);
    }

    [Test]
    public void Extract_OtherInfoStrings_AreSkipped()
    {
        var markdown = "```text\nnot C#\n```\n```bash\nls\n```\n```c#\nvar x = 1;\n```\n";

        var blocks = CodeBlock.Extract("x.md", markdown);

        Assert.That(blocks.Select(b => (b.Line, b.Code)), Is.EqualTo(new[] { (8, "var x = 1;") }));
    }

    private static List<CodeBlock> DocumentationBlocks()
    {
        var root = RepositoryRoot();
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        return files
            .SelectMany(file => CodeBlock.Extract(Path.GetRelativePath(root, file).Replace('\\', '/'), File.ReadAllText(file)))
            .ToList();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "JobRunners.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("JobRunners.sln not found above the test directory");
    }
}
