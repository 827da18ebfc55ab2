using System.IO.Compression;
using System.Xml.Linq;

namespace JobRunners.Tests.Packaging;

/// <summary>What one .nupkg says about itself: its nuspec metadata and the files it holds.</summary>
internal sealed record PackedPackage
{
    public required string Path { get; init; }

    public required string Id { get; init; }

    public required string Version { get; init; }

    public required string Description { get; init; }

    public string? Readme { get; init; }

    /// <summary>The text of the file the nuspec names as its readme; null when the package does not hold it.</summary>
    public string? ReadmeText { get; init; }

    public string? License { get; init; }

    public string? LicenseType { get; init; }

    public string? ProjectUrl { get; init; }

    public string? RepositoryUrl { get; init; }

    public string? RepositoryType { get; init; }

    public string? RepositoryCommit { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>Dependencies of every target framework group, by package id.</summary>
    public required IReadOnlyList<PackageDependency> Dependencies { get; init; }

    public required IReadOnlyList<string> Files { get; init; }

    public static PackedPackage Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var nuspecEntry = zip.Entries.Single(e => !e.FullName.Contains('/', StringComparison.Ordinal) && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        XElement metadata;
        using (var stream = nuspecEntry.Open())
        {
            metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        }

        string? Value(string name) => Child(metadata, name)?.Value;
        var readme = Value("readme");
        var readmeEntry = readme is null ? null : zip.GetEntry(readme.Replace('\\', '/'));
        string? readmeText = null;
        if (readmeEntry is not null)
        {
            using var reader = new StreamReader(readmeEntry.Open());
            readmeText = reader.ReadToEnd();
        }

        var repository = Child(metadata, "repository");
        var dependencies = metadata.Descendants()
            .Where(e => e.Name.LocalName == "dependency")
            .Select(e => new PackageDependency((string)e.Attribute("id")!, (string?)e.Attribute("version") ?? ""))
            .ToList();
        return new PackedPackage
        {
            Path = path,
            Id = Value("id") ?? "",
            Version = Value("version") ?? "",
            Description = Value("description") ?? "",
            Readme = readme,
            ReadmeText = readmeText,
            License = Value("license"),
            LicenseType = (string?)Child(metadata, "license")?.Attribute("type"),
            ProjectUrl = Value("projectUrl"),
            RepositoryUrl = (string?)repository?.Attribute("url"),
            RepositoryType = (string?)repository?.Attribute("type"),
            RepositoryCommit = (string?)repository?.Attribute("commit"),
            Tags = (Value("tags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Dependencies = dependencies,
            Files = zip.Entries.Select(e => e.FullName).ToList(),
        };
    }

    private static XElement? Child(XElement parent, string name) => parent.Elements().SingleOrDefault(e => e.Name.LocalName == name);
}
