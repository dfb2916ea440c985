using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmCloud.ServiceDefaults;

/// <summary>A step that brings the process's own storage up to date; run by the explicit migrate command.</summary>
public interface IMigrationStep
{
    Task MigrateAsync(CancellationToken cancellationToken);
}

public static partial class ServiceCommands
{
    public const string Migrate = "migrate";

    /// <summary>
    /// Runs the web application, or with the argument <c>migrate</c> applies every migration step and
    /// exits: migrations are an explicit step of the orchestrator, never a side effect of start-up.
    /// </summary>
    public static async Task<int> RunServiceAsync(this WebApplication app, string[] args)
    {
        if (args.FirstOrDefault() != Migrate)
        {
            await app.RunAsync();
            return 0;
        }

        await using var scope = app.Services.CreateAsyncScope();
        foreach (var step in scope.ServiceProvider.GetServices<IMigrationStep>())
        {
            LogMigrating(app.Logger, step.GetType().Name);
            await step.MigrateAsync(app.Lifetime.ApplicationStopping);
        }

        return 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrating with {MigrationStep}")]
    private static partial void LogMigrating(ILogger logger, string migrationStep);
}
