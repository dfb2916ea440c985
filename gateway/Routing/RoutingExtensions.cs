using CrmCloud.Gateway.Credentials;
using CrmCloud.Gateway.Protection;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;
using Yarp.ReverseProxy.Transforms;

namespace CrmCloud.Gateway.Routing;

public static class RoutingExtensions
{
    private const string Tag = "Routing";

    /// <summary>The route metadata naming the resource a route serves.</summary>
    private const string ResourceKey = "resource";

    private static readonly string[] ReadMethods = [HttpMethods.Get, HttpMethods.Head];
    private static readonly string[] WriteMethods = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    /// <summary>
    /// YARP with routes per resource of <see cref="ServiceAreas"/> and one cluster per service, addressed by its logical
    /// name and resolved through service discovery. Each resource has a read route (GET, HEAD) that requires the
    /// area's read scope and a write route (everything else) that requires its write scope, so a caller without the
    /// scope gets a 403 from the gateway before any service is bothered; the services check again.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayRouting(this IHostApplicationBuilder builder)
    {
        var timeouts = builder.Configuration.GetSection(RouteTimeouts.Section).Get<RouteTimeouts>() ?? new RouteTimeouts();
        builder.Services.AddRequestTimeouts();
        builder.Services.AddReverseProxy()
            .LoadFromMemory(Routes(timeouts), Clusters())
            .AddTransforms(transforms =>
            {
                var tokens = transforms.Services.GetRequiredService<InternalTokens>();
                transforms.AddRequestTransform(context =>
                {
                    tokens.Apply(context);
                    return ValueTask.CompletedTask;
                });
            });
        builder.Services.Replace(ServiceDescriptor.Singleton<IDestinationResolver, ServiceDiscoveryDestinationResolver>());
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbiddenProblems>();
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
            proxy.UseCircuitBreakers();
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

    private static List<RouteConfig> Routes(RouteTimeouts timeouts) =>
    [
        .. ServiceAreas.All.SelectMany(area => area.Resources.SelectMany(resource => new[]
        {
            Route(area, resource, "read", ReadMethods, area.ReadPolicy(resource), timeouts),
            Route(area, resource, "write", WriteMethods, area.WritePolicy(resource), timeouts),
        })),
        .. ServiceAreas.All.SelectMany(area => (area.PublicResources ?? []).Select(resource => Route(area, resource, "public", null, "Anonymous", timeouts))),
    ];

    private static RouteConfig Route(ServiceArea area, string resource, string kind, string[]? methods, string authorizationPolicy, RouteTimeouts timeouts) => new()
    {
        RouteId = $"{area.Name}.{resource}.{kind}",
        ClusterId = area.Name,
        AuthorizationPolicy = authorizationPolicy,
        Timeout = timeouts.For(resource),
        Metadata = new Dictionary<string, string> { [ResourceKey] = resource },
        // The catch-all is optional: the route matches the collection and everything below it.
        Match = new RouteMatch { Path = $"{ServiceAreas.ApiPrefix}/{resource}/{{**remainder}}", Methods = methods },
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

/// <summary>
/// <c>Gateway:Timeouts</c>: how long the gateway waits for a service's answer, per route, before it answers 504
/// naming the area. <see cref="Resources"/> gives the slower resources (reports, imports) more time.
/// </summary>
public sealed class RouteTimeouts
{
    public const string Section = "Gateway:Timeouts";

    public TimeSpan Default { get; set; } = TimeSpan.FromSeconds(30);

    public Dictionary<string, TimeSpan> Resources { get; set; } = new(StringComparer.Ordinal);

    public TimeSpan For(string resource) => Resources.GetValueOrDefault(resource, Default);
}
