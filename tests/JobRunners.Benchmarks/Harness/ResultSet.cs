namespace JobRunners.Benchmarks.Harness;

/// <summary>Every figure of the run, in the order first measured, plus notes for the report.</summary>
internal sealed class ResultSet
{
    private readonly List<Figure> _figures = [];
    private readonly Dictionary<(string, string, string), Figure> _index = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<Figure> Figures => _figures;

    /// <summary>Things the report says besides the numbers: skipped systems, configuration choices.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Statement profiles (pg_stat_statements) of selected runs, keyed by "scenario system".</summary>
    public Dictionary<string, IReadOnlyList<StatementProfile>> Profiles { get; } = [];

    /// <summary>Statements counted over a window (pg_stat_statements deltas), keyed by "scenario system".</summary>
    public Dictionary<string, IReadOnlyList<StatementCount>> StatementCounts { get; } = [];

    public void Add(string scenario, string system, string metric, double value)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue((scenario, system, metric), out var figure))
            {
                figure = new Figure(scenario, system, metric);
                _index[(scenario, system, metric)] = figure;
                _figures.Add(figure);
            }

            figure.Add(value);
        }
    }

    public Figure? Find(string scenario, string system, string metric) =>
        _index.GetValueOrDefault((scenario, system, metric));

    public double MedianOf(string scenario, string system, string metric) =>
        Find(scenario, system, metric)?.Median ?? double.NaN;

    public void Note(string note)
    {
        Console.WriteLine($"note: {note}");
        Notes.Add(note);
    }

    /// <summary>Prints the BENCH lines of one scenario family (prefix of the scenario name).</summary>
    public void PrintBenchLines(string scenarioPrefix)
    {
        foreach (var figure in _figures.Where(f => f.Scenario.StartsWith(scenarioPrefix, StringComparison.Ordinal)))
        {
            Console.WriteLine(figure.BenchLine());
        }
    }
}
