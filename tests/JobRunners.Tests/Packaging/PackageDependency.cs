namespace JobRunners.Tests.Packaging;

/// <summary>One dependency of a package: the id and the version range the nuspec gives.</summary>
internal sealed record PackageDependency(string Id, string Version);
