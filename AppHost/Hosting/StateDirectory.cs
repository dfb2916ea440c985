using CrmCloud.ServiceDefaults.Security;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// The one folder that holds everything a run keeps: the servers' data, pid files of running
/// children and the generated secrets (never in the repository). Default <c>&lt;repo&gt;/.crm/</c>.
/// </summary>
public sealed class StateDirectory
{
    public const string ConfigurationKey = "StateDirectory";

    public StateDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public static string DefaultPath => System.IO.Path.Combine(AppHostProject.RepositoryRoot, ".crm");

    /// <summary>Where running children are recorded (<see cref="PidFiles"/>).</summary>
    public string PidDirectory => Directory.CreateDirectory(Combine("pids")).FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public bool HasSecret(string name) => File.Exists(Combine("secrets", name));

    /// <summary>The secret stored under <paramref name="name"/>, created once and readable by its owner only.</summary>
    public string Secret(string name, Func<string> create)
    {
        var directory = Combine("secrets");
        var path = System.IO.Path.Combine(directory, name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var value = create();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.WriteLine(value);
        }

        return value;
    }

    /// <summary>The key that signs development tokens; every service validates with it.</summary>
    public string DevelopmentSigningKey() => Secret("signing-key", DevelopmentTokens.NewSigningKey);
}
