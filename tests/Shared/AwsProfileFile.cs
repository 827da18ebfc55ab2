using Amazon;

namespace JobRunners.Tests.Shared;

/// <summary>
/// A shared credentials file holding one profile, in a directory of its own, made the SDK's profiles location
/// (<see cref="AWSConfigs.AWSProfilesLocation"/>, as <c>AWS_SHARED_CREDENTIALS_FILE</c> would at process start)
/// until disposed. The setting is the process's: fixtures using it must not run in parallel with others.
/// </summary>
internal sealed class AwsProfileFile : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"jobrunners-aws-{Guid.NewGuid():N}");
    private readonly string? _saved = AWSConfigs.AWSProfilesLocation;

    public AwsProfileFile(string accessKeyId, string secretAccessKey)
    {
        Name = "jobrunners-test-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "credentials");
        File.WriteAllText(path, $"[{Name}]\naws_access_key_id = {accessKeyId}\naws_secret_access_key = {secretAccessKey}\n");
        AWSConfigs.AWSProfilesLocation = path;
    }

    /// <summary>The profile's name.</summary>
    public string Name { get; }

    public void Dispose()
    {
        AWSConfigs.AWSProfilesLocation = _saved;
        Directory.Delete(_directory, recursive: true);
    }
}
