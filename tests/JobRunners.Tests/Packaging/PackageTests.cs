using System.Diagnostics;
using System.Reflection;
using NUnit.Framework;

namespace JobRunners.Tests.Packaging;

/// <summary>
/// What every shipped package carries, checked on what scripts/pack.sh builds: the version from the root
/// Directory.Build.props, a README named in the nuspec, the licence, the repository, and a symbol package beside it.
/// The fixture packs once per run into .tmp/test-packages, in the configuration these tests were built in (Release
/// under scripts/test.sh), so the pack reuses that build; JOBRUNNERS_TEST_PACKAGES names a folder scripts/pack.sh
/// filled instead.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PackageTests
{
    private const string RepositoryUrl = "https://github.com/jobrunners/jobrunners";

    /// <summary>What the core package must not bring in, directly or through another JobRunners package.</summary>
    private static readonly string[] StoreDrivers = ["Npgsql", "Microsoft.Data.Sqlite", "SQLitePCLRaw.*"];

    private string _root = "";
    private string _folder = "";
    private string _version = "";
    private List<PackedPackage> _packages = [];

    [OneTimeSetUp]
    public async Task PackOnce()
    {
        _root = RepositoryPack.FindRoot();
        _version = RepositoryPack.VersionFromProps(_root);
        var given = Environment.GetEnvironmentVariable(RepositoryPack.PackagesVariable);
        _folder = string.IsNullOrEmpty(given) ? Path.Combine(_root, ".tmp", "test-packages") : Path.GetFullPath(given, _root);
        if (string.IsNullOrEmpty(given))
        {
            var configuration = typeof(PackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var clock = Stopwatch.StartNew();
            await RepositoryPack.PackAsync(_root, _folder, configuration, TimeSpan.FromMinutes(10));
            await TestContext.Progress.WriteLineAsync($"scripts/pack.sh ({configuration}) took {clock.Elapsed.TotalSeconds:0} s");
        }

        Assert.That(Directory.Exists(_folder), Is.True, $"{_folder} does not exist: run scripts/pack.sh, or unset {RepositoryPack.PackagesVariable}");
        _packages = Directory.GetFiles(_folder, "*.nupkg").Order(StringComparer.Ordinal).Select(PackedPackage.Read).ToList();
        Assert.That(_packages, Is.Not.Empty, $"no .nupkg in {_folder}");
    }

    [Test]
    public void Pack_EveryShippedProject_IsOnePackage()
    {
        // Every project under src/ and runners/ ships, and of tests/ the conformance kit.
        var projects = Directory.GetFiles(Path.Combine(_root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(_root, "runners"), "*.csproj", SearchOption.AllDirectories))
            .Append(Path.Combine(_root, "tests", "JobRunners.Conformance", "JobRunners.Conformance.csproj"))
            .Select(Path.GetFileNameWithoutExtension);

        Assert.That(_packages.Select(p => p.Id), Is.EquivalentTo(projects));
    }

    [Test]
    public void Version_EveryPackage_IsTheVersionFromTheProps()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var package in _packages)
            {
                Assert.That(package.Version, Is.EqualTo(_version), package.Id);
                Assert.That(Path.GetFileName(package.Path), Is.EqualTo($"{package.Id}.{_version}.nupkg"), package.Id);
            }
        }
    }

    [Test]
    public void Readme_EveryPackage_HoldsTheReadmeItsNuspecNames()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var package in _packages)
            {
                Assert.That(package.Readme, Is.EqualTo("README.md"), $"{package.Id}: the nuspec's <readme>");
                Assert.That(package.ReadmeText?.Split('\n')[0].TrimEnd('\r'), Is.EqualTo($"# {package.Id}"), $"{package.Id}: README.md in the package, about this package");
            }
        }
    }

    [Test]
    public void Metadata_EveryPackage_HasLicenceRepositoryAndDescription()
    {
        Assert.That(File.ReadAllText(Path.Combine(_root, "LICENSE")), Does.StartWith("MIT License").And.Contain("JobRunners contributors"));
        using (Assert.EnterMultipleScope())
        {
            foreach (var package in _packages)
            {
                Assert.That((package.LicenseType, package.License), Is.EqualTo(("expression", "MIT")), $"{package.Id}: the licence, as LICENSE says");
                Assert.That((package.RepositoryType, package.RepositoryUrl), Is.EqualTo(("git", RepositoryUrl)), $"{package.Id}: <repository>");
                Assert.That(package.ProjectUrl, Is.EqualTo(RepositoryUrl), $"{package.Id}: <projectUrl>");
                Assert.That(package.Description, Is.Not.Empty.And.Not.EqualTo("Package Description"), $"{package.Id}: its own description");
                Assert.That(package.Tags, Does.Contain("background-jobs"), $"{package.Id}: the shared tags");
            }
        }
    }

    [Test]
    public void Symbols_EveryPackage_HasASymbolPackageBeside()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var package in _packages)
            {
                var symbols = Path.ChangeExtension(package.Path, ".snupkg");
                Assert.That(File.Exists(symbols), Is.True, $"{package.Id}: {Path.GetFileName(symbols)}");
                if (File.Exists(symbols))
                {
                    Assert.That(PackedPackage.Read(symbols).Files, Has.Some.EndsWith($"/{package.Id}.pdb"), $"{package.Id}: its PDB in the symbol package");
                }
            }
        }
    }

    [Test]
    public void Dependencies_OnJobRunnersPackages_AreThisVersion()
    {
        var table = string.Join(Environment.NewLine, _packages.Select(p =>
            $"{p.Id,-32} {p.Version,-10} {(p.Dependencies.Count == 0 ? "-" : string.Join(", ", p.Dependencies.Select(d => d.Id)))}"));
        TestContext.Out.WriteLine($"{"package",-32} {"version",-10} dependencies{Environment.NewLine}{table}");

        var ids = _packages.Select(p => p.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ours = _packages.SelectMany(p => p.Dependencies.Where(d => ids.Contains(d.Id)).Select(d => $"{p.Id} -> {d.Id} {d.Version}"));
        Assert.That(ours, Is.All.EndsWith($" {_version}"), "one version for every JobRunners package");
    }

    /// <summary>
    /// The contract a store or runner author builds on brings in no store driver. (The core package still references
    /// both stores; the same check for it comes with moving store selection into the store packages.)
    /// </summary>
    [Test]
    public void Dependencies_ContractPackage_BringsInNoStore()
    {
        var paths = ForbiddenPaths("JobRunners.Abstractions", StoreDrivers).ToList();

        Assert.That(paths, Is.Empty, "the contract package must not bring in a store's driver");
    }

    [Test]
    public void Dependencies_CorePackage_BringsInNoStore()
    {
        var paths = ForbiddenPaths("JobRunners", [.. StoreDrivers, "JobRunners.PostgreSql", "JobRunners.Sqlite"]).ToList();

        Assert.That(paths, Is.Empty, "the core package must not bring in a store or its driver: the application chooses one (UseSqlite, UsePostgreSql)");
    }

    /// <summary>Each chain from <paramref name="from"/> to a forbidden id, through the packages of this folder.</summary>
    private IEnumerable<string> ForbiddenPaths(string from, IReadOnlyList<string> forbidden)
    {
        var byId = _packages.ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<List<string>>([[from]]);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { from };
        while (queue.TryDequeue(out var path))
        {
            if (!byId.TryGetValue(path[^1], out var package))
            {
                continue;
            }

            foreach (var dependency in package.Dependencies)
            {
                List<string> next = [.. path, dependency.Id];
                if (forbidden.Any(pattern => Matches(dependency.Id, pattern)))
                {
                    yield return string.Join(" -> ", next);
                }

                if (seen.Add(dependency.Id))
                {
                    queue.Enqueue(next);
                }
            }
        }
    }

    private static bool Matches(string id, string pattern) => pattern.EndsWith(".*", StringComparison.Ordinal)
        ? id.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase) || id.Equals(pattern[..^2], StringComparison.OrdinalIgnoreCase)
        : id.Equals(pattern, StringComparison.OrdinalIgnoreCase);
}
