using System.Reflection;

namespace CrmCloud.AppHost.Hosting;

/// <summary>Where the AppHost's sources are and which build of the projects it runs (recorded at build time).</summary>
public static class AppHostProject
{
    private static readonly Assembly Assembly = typeof(AppHostProject).Assembly;

    /// <summary>The AppHost project folder; relative project paths of the app model start here.</summary>
    public static string Directory { get; } = Metadata("AppHostProjectDirectory");

    public static string RepositoryRoot { get; } = Path.GetDirectoryName(Directory)!;

    public static string Configuration { get; } = Metadata("AppHostConfiguration");

    public static string TargetFramework { get; } = Metadata("AppHostTargetFramework");

    /// <summary>The built AppHost (<c>dotnet &lt;it&gt; up ...</c> runs the whole app).</summary>
    public static string OutputAssembly => OutputAssemblyOf(Path.Combine(Directory, "AppHost.csproj"));

    /// <summary>The <c>dotnet</c> host running this process, or the one on the PATH.</summary>
    public static string DotNet { get; } =
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    /// <summary>The assembly a project builds to, in the AppHost's configuration: <c>bin/Release/net10.0/Name.dll</c>.</summary>
    public static string OutputAssemblyOf(string projectPath)
    {
        var fullPath = Path.GetFullPath(projectPath, Directory);
        return Path.Combine(
            Path.GetDirectoryName(fullPath)!, "bin", Configuration, TargetFramework, Path.GetFileNameWithoutExtension(fullPath) + ".dll");
    }

    private static string Metadata(string key) =>
        Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"The AppHost assembly lacks its {key} metadata: build it with AppHost.csproj.");
}
