namespace CrmCloud.AppHost.Hosting;

/// <summary>Projects and their wiring in the app model, with Aspire's method names.</summary>
public static class ProjectResourceBuilderExtensions
{
    /// <summary>A .NET project; <paramref name="projectPath"/> is relative to the AppHost project folder.</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this DistributedApplicationBuilder builder, string name, string projectPath) =>
        builder.AddResource(new ProjectResource(name, projectPath));

    /// <summary>Hands over <paramref name="source"/>'s connection string as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<IResourceWithConnectionString> source)
    {
        builder.Resource.Reference(source.Resource);
        // Its address is known only once it runs, so a reference also orders the start.
        if (RunnableOf(source.Resource) is { } runnable)
        {
            builder.Resource.WaitFor(runnable);
        }

        return builder;
    }

    /// <summary>Hands over <paramref name="source"/>'s endpoint for service discovery as <c>services__{name}__http__0</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> source)
    {
        builder.Resource.Reference(source.Resource);
        builder.Resource.WaitFor(source.Resource);
        return builder;
    }

    /// <summary>Starts the project only once <paramref name="dependency"/> is ready (a project: healthy).</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : RunnableResource
    {
        if (RunnableOf(dependency.Resource) is { } runnable)
        {
            builder.Resource.WaitFor(runnable);
        }

        return builder;
    }

    /// <summary>The HTTP endpoint's port (<c>--{name}:Port</c> overrides it; unset, a free one is picked).</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int? port = null)
    {
        builder.Resource.Port = port;
        return builder;
    }

    /// <summary>Makes the project reachable from outside the app: it listens on localhost and is announced as the entry point.</summary>
    public static IResourceBuilder<ProjectResource> WithExternalHttpEndpoints(this IResourceBuilder<ProjectResource> builder)
    {
        builder.Resource.IsExternal = true;
        return builder;
    }

    /// <summary>Another page to list in the summary, a path on the project's endpoint.</summary>
    public static IResourceBuilder<ProjectResource> WithUrl(this IResourceBuilder<ProjectResource> builder, string path, string displayText)
    {
        builder.Resource.AddUrl(path, displayText);
        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> builder, string name, string value)
    {
        builder.Resource.SetEnvironment(name, value);
        return builder;
    }

    /// <summary>The explicit migration step: <c>{project} migrate</c> runs to completion (exit 0) before the project starts.</summary>
    public static IResourceBuilder<ProjectResource> WithMigrations(this IResourceBuilder<ProjectResource> builder)
    {
        builder.Resource.RunsMigrations = true;
        return builder;
    }

    private static RunnableResource? RunnableOf(IResource resource) => resource switch
    {
        RunnableResource runnable => runnable,
        PostgresDatabaseResource database => database.Parent,
        _ => null,
    };
}
