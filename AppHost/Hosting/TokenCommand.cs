using CrmCloud.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// <c>token --tenant acme [--scopes "contacts:read ..."] [--roles "admin"]</c>: prints only the token, for scripts and curl.
/// Without <c>--roles</c> the developer is the tenant's administrator; <c>--roles ""</c> makes a plain user.
/// </summary>
internal static class TokenCommand
{
    public static int Run(IConfiguration configuration)
    {
        var tenant = configuration["tenant"];
        if (string.IsNullOrWhiteSpace(tenant))
        {
            Console.Error.WriteLine("Usage: token --tenant <name> [--scopes \"contacts:read contacts:write ...\"] [--roles \"admin\"]");
            return 2;
        }

        var scopes = (configuration["scopes"] ?? string.Empty).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Except(Scopes.All, StringComparer.Ordinal).ToArray() is { Length: > 0 } unknown)
        {
            Console.Error.WriteLine($"Unknown scope(s): {string.Join(' ', unknown)}. Known: {string.Join(' ', Scopes.All)}");
            return 2;
        }

        var roles = configuration["roles"]?.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        var state = new StateDirectory(configuration[StateDirectory.ConfigurationKey] ?? StateDirectory.DefaultPath);
        Console.Out.WriteLine(DevelopmentTokens.Create(state.DevelopmentSigningKey(), tenant, scopes, roles: roles));
        return 0;
    }
}
