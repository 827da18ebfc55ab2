namespace JobRunners.Tests.Documentation;

/// <summary>A fenced C# block from a Markdown file: its text and where it starts.</summary>
/// <param name="File">The Markdown file, relative to the repository root.</param>
/// <param name="Line">The 1-based line of the block's first code line.</param>
/// <param name="Code">The block's text, without the fences.</param>
internal sealed record CodeBlock(string File, int Line, string Code)
{
    private static readonly string[] CSharpInfoStrings = ["csharp", "cs", "c#"];

    /// <summary>Every ```csharp, ```cs and ```c# block of a Markdown text, in order.</summary>
    public static IReadOnlyList<CodeBlock> Extract(string file, string markdown)
    {
        var blocks = new List<CodeBlock>();
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var info = fence[3..].Trim().Split(' ', 2)[0];
            var end = Array.FindIndex(lines, i + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
            if (end < 0)
            {
                throw new InvalidOperationException($"{file}:{i + 1}: a code block is never closed");
            }

            if (CSharpInfoStrings.Contains(info, StringComparer.OrdinalIgnoreCase))
            {
                blocks.Add(new CodeBlock(file, i + 2, string.Join('\n', lines[(i + 1)..end])));
            }

            i = end;
        }

        return blocks;
    }

    public override string ToString() => $"{File}:{Line}";
}
