using System.Globalization;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// The Debian-packaged PostgreSQL binaries and a cluster folder they own. PostgreSQL refuses to
/// run as root, so as root its programs run as the <c>postgres</c> user.
/// </summary>
internal static class PostgresCluster
{
    public const string SystemUser = "postgres";
    private const string InstallRoot = "/usr/lib/postgresql";

    /// <summary>The newest installed server's bin folder, e.g. /usr/lib/postgresql/15/bin.</summary>
    public static string BinDirectory() =>
        (Directory.Exists(InstallRoot) ? Directory.GetDirectories(InstallRoot) : [])
            .Select(directory => (Directory: Path.Combine(directory, "bin"), Version: int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1))
            .Where(candidate => candidate.Version >= 0 && File.Exists(Path.Combine(candidate.Directory, "postgres")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Directory)
            .FirstOrDefault()
        ?? throw new InvalidOperationException(
            $"No PostgreSQL server under {InstallRoot}: install the Debian package postgresql (./crm up does).");

    /// <summary>The command line that runs <paramref name="program"/> as the postgres user when we are root.</summary>
    /// <remarks>setpriv execs the program in place (unlike runuser, which stays as a parent), so the pid is the server's own.</remarks>
    public static (string FileName, IReadOnlyList<string> Arguments) AsServerUser(string program, params IEnumerable<string> arguments) =>
        UnixProcess.IsRoot
            ? ("setpriv", [$"--reuid={SystemUser}", $"--regid={SystemUser}", "--init-groups", program, .. arguments])
            : (program, [.. arguments]);

    /// <summary>Creates the cluster in <c>{home}/data</c> once: scram-sha-256 over TCP, superuser postgres with <paramref name="password"/>.</summary>
    public static async Task InitializeAsync(string binDirectory, string home, string password, Action<string> output, CancellationToken cancellationToken)
    {
        var data = Path.Combine(home, "data");
        var sockets = Path.Combine(home, "run");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(sockets);
        if (UnixProcess.IsRoot)
        {
            await ExternalCommand.RunAsync("chown", [$"{SystemUser}:", home, sockets], cancellationToken);
            MakeTraversable(home, output);
        }

        if (File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            return;
        }

        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true); // an initdb that did not finish
        }

        output($"initializing a PostgreSQL cluster in {data}");
        var passwordFile = Path.Combine(home, "initdb-password");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            if (UnixProcess.IsRoot)
            {
                await ExternalCommand.RunAsync("chown", [$"{SystemUser}:", passwordFile], cancellationToken);
            }

            var (fileName, arguments) = AsServerUser(
                Path.Combine(binDirectory, "initdb"),
                "--pgdata", data, "--username", SystemUser, "--pwfile", passwordFile,
                "--auth-host=scram-sha-256", "--auth-local=peer", "--encoding=UTF8", "--no-locale", "--no-sync");
            await ExternalCommand.RunAsync(fileName, arguments, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>The postgres user must be able to walk down to its folder: add search permission where it lacks it.</summary>
    private static void MakeTraversable(string path, Action<string> output)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var directory = Path.GetDirectoryName(path); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            var mode = File.GetUnixFileMode(directory);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(directory, mode | UnixFileMode.OtherExecute);
                output($"allowed others to traverse {directory} (o+x) so that the postgres user reaches its data");
            }
        }
    }
}
