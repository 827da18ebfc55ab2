namespace JobRunners.Cli.Output;

/// <summary>
/// Shows rows as they change: on a terminal the table is redrawn in place; when output is redirected, each
/// change is printed as a new line, so logs keep the whole history (progress rising, retries, failures).
/// </summary>
internal sealed class LiveView
{
    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly Dictionary<long, string> _last = [];
    private int _drawnLines;

    public LiveView(TextWriter output, bool interactive)
    {
        _output = output;
        _interactive = interactive;
    }

    public async Task ShowAsync(IReadOnlyList<JobRequest> rows)
    {
        if (_interactive)
        {
            if (_drawnLines > 0)
            {
                await _output.WriteAsync($"\u001b[{_drawnLines}A").ConfigureAwait(false);
            }

            var lines = Table.Render(rows).ToList();
            foreach (var line in lines)
            {
                await _output.WriteLineAsync("\u001b[2K" + line).ConfigureAwait(false);
            }

            _drawnLines = lines.Count;
            return;
        }

        if (_last.Count == 0)
        {
            await _output.WriteLineAsync("TIME        " + Table.Render([]).First()).ConfigureAwait(false);
        }

        foreach (var row in rows)
        {
            var line = Table.Line(row);
            if (!_last.TryGetValue(row.Id, out var previous) || previous != line)
            {
                _last[row.Id] = line;
                await _output.WriteLineAsync($"{DateTime.Now:HH:mm:ss.f}  {line}").ConfigureAwait(false);
            }
        }
    }
}
