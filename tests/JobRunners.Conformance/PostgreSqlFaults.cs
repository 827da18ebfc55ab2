namespace JobRunners.Conformance;

/// <summary>Faults for tests against PostgreSQL, as SQL a test runs on a connection of its own.</summary>
public static class PostgreSqlFaults
{
    /// <summary>
    /// Makes every INSERT into the schema's <c>job_request</c> end its own server session mid-statement (SQLSTATE
    /// 57P01, as when the server restarts): the command was sent, and the client cannot know whether it was written.
    /// </summary>
    public static string TerminateInsertsInto(string schema) => $"""
        CREATE FUNCTION "{schema}".terminate_writer() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;
        CREATE TRIGGER terminate_writer BEFORE INSERT ON "{schema}".job_request
            FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".terminate_writer();
        """;
}
