using Microsoft.Extensions.Configuration;

namespace JobRunners;

/// <summary>Reads a setting by its hierarchical name or any of its flat environment-style names.</summary>
public static class Settings
{
    /// <summary>
    /// The first non-empty value among <paramref name="hierarchical"/> and the <paramref name="flat"/> names,
    /// checking the flat names first (deployment environment variables win over appsettings defaults).
    /// </summary>
    public static string? Read(IConfiguration configuration, string hierarchical, params string[] flat)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(flat);
        foreach (var name in flat)
        {
            var value = configuration[name];
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        var nested = configuration[hierarchical];
        return string.IsNullOrWhiteSpace(nested) ? null : nested.Trim();
    }
}
