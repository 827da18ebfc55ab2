using Microsoft.Extensions.Configuration;

namespace JobRunners;

/// <summary>
/// Reads a setting that has a hierarchical key (<c>JobRunners:AwsSqs:QueueUrl</c>) and flat environment-style names
/// (<c>JOBRUNNERS_SQS_QUEUE_URL</c>) as one setting: the configuration source added last that sets either name
/// wins, the way configuration sources override each other for any single key. Within one source the hierarchical
/// key comes first, then the flat names in order.
/// </summary>
internal static class FlatNames
{
    /// <summary>The trimmed value, or null when no source sets it; a blank value counts as unset.</summary>
    public static string? Read(IConfiguration configuration, string hierarchicalKey, params string[] flatKeys) =>
        Find(configuration, blankIsUnset: true, hierarchicalKey, flatKeys)?.Value.Trim();

    /// <summary>
    /// The value (untrimmed) and the name it was found under, or null when no source sets it. With
    /// <paramref name="blankIsUnset"/> false a set-but-empty value is found, so the caller can refuse it.
    /// </summary>
    public static (string Value, string Key)? Find(IConfiguration configuration, bool blankIsUnset, string hierarchicalKey, params string[] flatKeys)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(hierarchicalKey);
        ArgumentNullException.ThrowIfNull(flatKeys);
        string[] keys = [hierarchicalKey, .. flatKeys];
        if (configuration is IConfigurationRoot root)
        {
            return Find(root, keys, blankIsUnset);
        }

        // Without providers there is no source order to follow: the flat names first, as environment variables
        // usually come last.
        foreach (var key in keys.Skip(1).Append(hierarchicalKey))
        {
            if (configuration[key] is { } value && !(blankIsUnset && string.IsNullOrWhiteSpace(value)))
            {
                return (value, key);
            }
        }

        return null;
    }

    private static (string Value, string Key)? Find(IConfigurationRoot root, string[] keys, bool blankIsUnset)
    {
        foreach (var provider in root.Providers.Reverse())
        {
            // A chained configuration (a host's copy of another) hides empty values from TryGet: look inside it.
            if (provider is ChainedConfigurationProvider { Configuration: IConfigurationRoot inner })
            {
                if (Find(inner, keys, blankIsUnset) is { } found)
                {
                    return found;
                }

                continue;
            }

            foreach (var key in keys)
            {
                if (provider.TryGet(key, out var value) && value is not null && !(blankIsUnset && string.IsNullOrWhiteSpace(value)))
                {
                    return (value, key);
                }
            }
        }

        return null;
    }
}
