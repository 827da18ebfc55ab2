using System.Text;

namespace JobRunners.Extensibility;

/// <summary>The conditions of <see cref="QueuedQuery"/>, the same SQL in both stores but for the job-type list.</summary>
internal static class QueuedFilter
{
    /// <summary>
    /// <c>WHERE status = 'queued' AND ...</c> for the query's filters, with parameters named after its properties;
    /// <paramref name="jobTypeIn"/> is the store's test of <c>job_type</c> against the <c>@JobTypes</c> list.
    /// </summary>
    public static StringBuilder AppendWhere(StringBuilder sql, QueuedQuery query, string jobTypeIn)
    {
        sql.Append(" WHERE status = 'queued'");
        Append(query.UndispatchedOnly, " AND dispatched_at IS NULL");
        Append(query.CreatedBefore is not null, " AND created_at < @CreatedBefore");
        Append(query.Runner is not null, " AND runner = @Runner");
        Append(query.DueBy is not null, " AND run_at <= @DueBy");
        Append(query.NotRunner is not null, " AND (runner IS NULL OR runner <> @NotRunner)");
        Append(query.JobTypes is not null, " AND " + jobTypeIn);
        Append(query.DispatchedOnly, " AND dispatched_at IS NOT NULL");
        Append(query.UnclaimedSince is not null, " AND dispatched_at <= @UnclaimedSince AND run_at <= @UnclaimedSince");
        Append(query.DispatchedBeforeDue, " AND dispatched_at < run_at");
        Append(query.AfterId is not null, " AND id > @AfterId");
        return sql.Append(" ORDER BY id LIMIT @Limit");

        void Append(bool when, string condition)
        {
            if (when)
            {
                sql.Append(condition);
            }
        }
    }
}
