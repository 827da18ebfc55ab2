using System.Runtime.CompilerServices;

// The PostgreSQL runner uses the store's queue statements (PostgreSqlJobStore.Queue.cs); they stay internal so the
// store's public surface remains the IJobStore contract.
[assembly: InternalsVisibleTo("JobRunners.Runners.PostgreSql")]
