using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Yarp.ReverseProxy.Model;

namespace CrmCloud.Gateway.Routing;

/// <summary>
/// A caller refused by a route's policy learns what it lacks: the scope the route needs (a partner then knows which
/// scope to ask its administrator for), or the administrator role. Everything else is answered as ASP.NET Core would.
/// </summary>
internal sealed class ForbiddenProblems : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden || context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.AuthorizationPolicy is not { } routePolicy)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var detail = routePolicy == AuthenticationExtensions.TenantAdminPolicy
            ? "Only an administrator of the tenant, signed in as a person, may do this."
            : $"This request needs the scope '{routePolicy}', which your credentials do not grant.";
        await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: detail).ExecuteAsync(context);
    }
}
