using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace CrmCloud.Gateway.Routing;

public static class RoutingExtensions
{
    /// <summary>The policy every proxied route requires: an authenticated caller acting for a tenant.</summary>
    public const string TenantCallerPolicy = "gateway:tenant-caller";

    private const string Tag = "Routing";

    /// <summary>The route metadata naming the resource a route serves.</summary>
    private const string ResourceKey = "resource";

    /// <summary>
    /// YARP with one route per resource of <see cref="ServiceAreas"/> and one cluster per service, addressed
    /// by its logical name and resolved through service discovery.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder().AddPolicy(TenantCallerPolicy, policy => policy
            .RequireAuthenticatedUser()
            .RequireClaim(CrmClaims.Tenant));

        builder.Services.AddReverseProxy().LoadFromMemory(Routes(), Clusters());
        builder.Services.Replace(ServiceDescriptor.Singleton<IDestinationResolver, ServiceDiscoveryDestinationResolver>());
        return builder;
    }

    /// <summary>
    /// Maps the proxied routes, then a 404 problem for any other resource under <c>/api/v1</c>.
    /// <paramref name="configure"/> adds steps to the proxy pipeline, which runs only for proxied requests:
    /// after the caller is authorised and before a destination is chosen.
    /// </summary>
    public static WebApplication MapServiceRoutes(this WebApplication app, Action<IReverseProxyApplicationBuilder> configure)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.UseUnavailableAreaProblems();
            configure(proxy);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        }).ConfigureEndpoints((endpoint, route) =>
        {
            if (route.Metadata?.GetValueOrDefault(ResourceKey) is { } resource && ServiceAreas.LargeBodies.TryGetValue(resource, out var limit))
            {
                endpoint.WithMetadata(new RequestSizeLimitAttribute(limit));
            }
        });

        app.MapFallback($"{ServiceAreas.ApiPrefix}/{{**path}}", UnknownResource)
            .AllowAnonymous()
            .WithName("UnknownResource")
            .WithSummary("Answers 404 for a resource no service owns")
            .WithTags(Tag);
        return app;
    }

    private static ProblemHttpResult UnknownResource(string? path)
    {
        var resource = path?.Split('/', 2)[0];
        return TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "The resource does not exist.",
            detail: string.IsNullOrEmpty(resource)
                ? $"Name a resource: {ServiceAreas.ApiPrefix}/{{resource}}."
                : $"No resource named '{resource}' exists under {ServiceAreas.ApiPrefix}.");
    }

    private static List<RouteConfig> Routes() =>
    [
        .. ServiceAreas.All.SelectMany(area => area.Resources.Select(resource => Route(area, resource, TenantCallerPolicy))),
        .. ServiceAreas.All.SelectMany(area => (area.PublicResources ?? []).Select(resource => Route(area, resource, "Anonymous"))),
    ];

    private static RouteConfig Route(ServiceArea area, string resource, string authorizationPolicy) => new()
    {
        RouteId = $"{area.Name}.{resource}",
        ClusterId = area.Name,
        AuthorizationPolicy = authorizationPolicy,
        Metadata = new Dictionary<string, string> { [ResourceKey] = resource },
        // The catch-all is optional: the route matches the collection and everything below it.
        Match = new RouteMatch { Path = $"{ServiceAreas.ApiPrefix}/{resource}/{{**remainder}}" },
    };

    private static List<ClusterConfig> Clusters() =>
    [
        .. ServiceAreas.All.Select(area => new ClusterConfig
        {
            ClusterId = area.Name,
            Destinations = new Dictionary<string, DestinationConfig>
            {
                [area.Name] = new() { Address = area.ServiceAddress.ToString() },
            },
        }),
    ];
}
