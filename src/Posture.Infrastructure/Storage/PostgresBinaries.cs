namespace Posture.Infrastructure.Storage;

/// <summary>
/// Finds the PostgreSQL server programs (initdb, pg_ctl) installed on this machine: an explicit folder
/// (POSTURE_PG_BIN), Debian's versioned folders (/usr/lib/postgresql/N/bin, newest first, or the version an
/// existing data folder was made with), then the PATH.
/// </summary>
public sealed record PostgresBinaries(string Directory)
{
    public const string InstallHint =
        "PostgreSQL server programs (initdb, pg_ctl) were not found. Install them (Debian/Ubuntu: apt-get install postgresql), " +
        "set POSTURE_PG_BIN to the folder that holds them, or set POSTURE_DB to the connection string of a running server.";

    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    public static PostgresBinaries Locate(string? explicitDirectory, string? wantedMajorVersion)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return HasServerPrograms(explicitDirectory)
                ? new PostgresBinaries(explicitDirectory)
                : throw new PostureStartupException(
                    $"The PostgreSQL server programs (initdb, pg_ctl) are not in '{explicitDirectory}' (POSTURE_PG_BIN). " +
                    "Point it at the folder that holds them, or unset it to search the usual places (Debian: apt-get install postgresql).");
        }

        var candidates = DebianFolders().Concat(PathFolders()).Where(HasServerPrograms).Distinct().ToList();
        if (candidates.Count == 0)
        {
            throw new PostureStartupException(InstallHint);
        }

        if (wantedMajorVersion is null)
        {
            return new PostgresBinaries(candidates[0]);
        }

        var matching = candidates.FirstOrDefault(dir => dir.Contains($"/postgresql/{wantedMajorVersion}/", StringComparison.Ordinal));
        return matching is not null
            ? new PostgresBinaries(matching)
            : throw new PostureStartupException(
                $"The data folder was made by PostgreSQL {wantedMajorVersion}, but only other versions are installed ({string.Join(", ", candidates)}). " +
                $"Install PostgreSQL {wantedMajorVersion} (Debian: apt-get install postgresql-{wantedMajorVersion}) or choose another data folder.");
    }

    private static IEnumerable<string> DebianFolders()
    {
        const string root = "/usr/lib/postgresql";
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        return System.IO.Directory.GetDirectories(root)
            .Select(dir => (dir, version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
            .Where(x => x.version > 0)
            .OrderByDescending(x => x.version)
            .Select(x => Path.Combine(x.dir, "bin") + "/");
    }

    private static string[] PathFolders() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    private static bool HasServerPrograms(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));
}

/// <summary>Posture cannot start; the message is one line that says what to do.</summary>
public sealed class PostureStartupException(string message) : Exception(message);
