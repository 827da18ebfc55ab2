namespace JobRunners.Extensibility;

/// <summary>The schema a store found, against the one its code expects, from <see cref="IJobStore.GetSchemaStatusAsync"/>.</summary>
/// <param name="FoundVersion">The newest migration recorded in the store; 0 when it was never migrated.</param>
/// <param name="ExpectedVersion">The newest migration this version of the store knows.</param>
public readonly record struct StoreSchemaStatus(int FoundVersion, int ExpectedVersion)
{
    /// <summary>True when the store is at the version the code expects.</summary>
    public bool IsCurrent => FoundVersion == ExpectedVersion;

    /// <summary>True when migrations are pending: run <c>jobrunners migrate</c>, or set <c>JobRunners:MigrateOnStartup</c>.</summary>
    public bool MigrationsPending => FoundVersion < ExpectedVersion;

    /// <summary>True when a newer release migrated the store: this code should be upgraded.</summary>
    public bool NewerThanCode => FoundVersion > ExpectedVersion;
}
