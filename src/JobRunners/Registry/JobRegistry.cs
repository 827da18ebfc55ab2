using System.Collections.Frozen;
using JobRunners.Registry;

namespace JobRunners.Extensibility;

/// <summary>
/// The task map and the job map: every registered name with its handler and payload type. Built once at
/// startup and frozen; lookups of unknown names fail with the list of known ones.
/// </summary>
public sealed class JobRegistry
{
    private readonly FrozenDictionary<string, TaskDefinition> _tasks;
    private readonly FrozenDictionary<string, JobDefinition> _jobs;

    internal JobRegistry(IEnumerable<TaskDefinition> tasks, IEnumerable<JobDefinition> jobs)
    {
        _tasks = tasks.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        _jobs = jobs.ToFrozenDictionary(j => j.Name, StringComparer.Ordinal);
    }

    /// <summary>The registered task names.</summary>
    public IReadOnlyCollection<string> TaskNames => _tasks.Keys;

    /// <summary>The registered job names.</summary>
    public IReadOnlyCollection<string> JobNames => _jobs.Keys;

    /// <summary>True when a job is registered under <paramref name="jobType"/>.</summary>
    public bool HasJob(string jobType) => _jobs.ContainsKey(jobType);

    /// <summary>True when a task is registered under <paramref name="taskName"/>.</summary>
    public bool HasTask(string taskName) => _tasks.ContainsKey(taskName);

    /// <summary>
    /// A stored job or task payload ready to show: the members its registered payload type marks
    /// <see cref="SensitiveAttribute"/>, and those named like secrets, replaced by <c>***</c> (see <see cref="PayloadMasking"/>).
    /// </summary>
    public string MaskPayload(string name, string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(name);
        var type = _jobs.TryGetValue(name, out var job) ? job.PayloadType : _tasks.TryGetValue(name, out var task) ? task.PayloadType : null;
        return PayloadMasking.MaskJson(payloadJson, type);
    }

    /// <summary>Binds and validates a task payload given at dispatch.</summary>
    /// <exception cref="UnknownHandlerException">No task has that name.</exception>
    /// <exception cref="PayloadValidationException">The payload is invalid.</exception>
    public PreparedTask PrepareTask(string taskName, object? payload) => GetTask(taskName).Prepare(payload);

    /// <summary>Reads a task payload received as JSON (from a message) and validates it as dispatch does.</summary>
    /// <exception cref="UnknownHandlerException">No task has that name.</exception>
    /// <exception cref="PayloadValidationException">The JSON does not fit the payload type, or breaks its rules.</exception>
    public PreparedTask ReadTask(string taskName, string payloadJson) => GetTask(taskName).FromJson(payloadJson);

    internal TaskDefinition GetTask(string taskName)
    {
        ArgumentNullException.ThrowIfNull(taskName);
        return _tasks.TryGetValue(taskName, out var definition)
            ? definition
            : throw new UnknownHandlerException("task", taskName, TaskNames);
    }

    internal JobDefinition GetJob(string jobType)
    {
        ArgumentNullException.ThrowIfNull(jobType);
        return _jobs.TryGetValue(jobType, out var definition)
            ? definition
            : throw new UnknownHandlerException("job", jobType, JobNames);
    }

    internal JobDefinition? FindJob(string jobType) => _jobs.GetValueOrDefault(jobType);
}
