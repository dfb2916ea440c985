using Microsoft.Extensions.Configuration;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// Collects the app model. Configuration comes from environment variables and the command line
/// (<c>--Key=Value</c>, <c>--Section:Key=Value</c>); the first argument, when not an option, is the command.
/// </summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<IResource> resources = [];

    internal DistributedApplicationBuilder(string[] args)
    {
        var first = args.FirstOrDefault();
        var isHelp = first is "-h" or "--help";
        var namesCommand = first is not null && (isHelp || !first.StartsWith('-'));
        Command = isHelp ? DistributedApplication.HelpCommand : namesCommand ? first! : DistributedApplication.UpCommand;
        var options = namesCommand ? args[1..] : args;
        Configuration = new ConfigurationManager();
        Configuration.AddEnvironmentVariables();
        Configuration.AddCommandLine(options);
    }

    public ConfigurationManager Configuration { get; }

    public IReadOnlyList<IResource> Resources => resources;

    internal string Command { get; }

    public IResourceBuilder<T> AddResource<T>(T resource)
        where T : IResource
    {
        if (resources.Any(existing => string.Equals(existing.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"The app model already has a resource named {resource.Name}.");
        }

        resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public DistributedApplication Build() => new(this);
}
