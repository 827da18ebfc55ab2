using System.Data.Common;
using Npgsql;

namespace JobRunners.Cli;

/// <summary>Connection strings made safe to print: every secret replaced by <c>***</c>, whichever alias it was given under.</summary>
internal static class ConnectionStringMasking
{
    private const string Mask = "***";

    // Keys that hold secrets in the connection strings JobRunners reads (Npgsql's aliases are resolved by its own
    // builder below; these cover Azure Storage, Service Bus and generic ones).
    private static readonly string[] SecretKeys =
        ["password", "pwd", "psw", "ssl password", "sslpassword", "accountkey", "sharedaccesssignature", "sharedaccesskey", "sharedsecretvalue", "secret", "token", "accesskey", "secretkey"];

    // Any other key whose name says it holds a secret, such as "ClientSecret" or "ApiToken".
    private static readonly string[] SecretSuffixes = ["password", "secret", "token", "key"];

    /// <summary>A PostgreSQL connection string parsed by Npgsql's builder, so <c>Password</c>, <c>PWD</c>, <c>PSW</c> and <c>SSL Password</c> are all caught.</summary>
    public static string Postgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return "(not a valid connection string: " + exception.Message.Split(" (Parameter", 2)[0] + ")";
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = Mask;
        }

        if (!string.IsNullOrEmpty(builder.SslPassword))
        {
            builder.SslPassword = Mask;
        }

        return Generic(builder.ConnectionString);
    }

    /// <summary>Any <c>key=value;</c> connection string: values of secret keys (any case) masked.</summary>
    public static string Generic(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return "(not a valid connection string)";
        }

        foreach (var key in builder.Keys.Cast<string>().ToList())
        {
            var normalized = key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
            if (SecretKeys.Any(s => s.Replace(" ", "", StringComparison.Ordinal) == normalized) || SecretSuffixes.Any(s => normalized.EndsWith(s, StringComparison.Ordinal)))
            {
                builder[key] = Mask;
            }
        }

        return builder.ConnectionString;
    }
}
