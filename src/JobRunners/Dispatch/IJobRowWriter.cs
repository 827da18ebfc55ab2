
namespace JobRunners.Extensibility;

/// <summary>
/// Implemented, next to <see cref="IJobTransport"/>, by a transport whose backend is the store itself (the
/// <c>postgres</c> runner): the dispatcher writes new job rows through it instead of the store, and writing a row is
/// handing it over (the rows and the workers' wake-up in one statement), so the dispatcher sends nothing more. Rows
/// maintenance hands over again still go through <see cref="IJobTransport.SendJobsAsync"/>.
/// </summary>
public interface IJobRowWriter
{
    /// <summary>
    /// Writes the rows (already marked dispatched where due, as <see cref="NewJobRequest.Dispatched"/> says) and hands
    /// them to the backend; one result per row, in order. All or nothing: throw when nothing was written.
    /// </summary>
    ValueTask<IReadOnlyList<InsertResult>> WriteJobsAsync(IReadOnlyList<NewJobRequest> jobs, CancellationToken cancellationToken);
}
