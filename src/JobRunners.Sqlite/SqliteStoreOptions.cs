namespace JobRunners.Sqlite;

/// <summary>Where the embedded SQLite store keeps its database file.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>
    /// The default database file: <c>JobRunners/jobrunners.db</c> under the user's local application data folder
    /// (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows).
    /// </summary>
    public static string DefaultPath => System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "JobRunners", "jobrunners.db");

    /// <summary>
    /// The database file; its directory is created when missing. Every process that shares this file shares the
    /// store. Default: <see cref="DefaultPath"/>.
    /// </summary>
    public string Path { get; set; } = DefaultPath;
}
