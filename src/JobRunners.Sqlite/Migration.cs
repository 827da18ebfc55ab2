namespace JobRunners.Sqlite;

/// <summary>One versioned schema change: applied once, in version order, and recorded in <c>schema_migrations</c>.</summary>
internal sealed record Migration(int Version, string Description, string Sql);
