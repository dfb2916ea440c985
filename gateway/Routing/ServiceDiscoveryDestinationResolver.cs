using System.Net;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace CrmCloud.Gateway.Routing;

/// <summary>
/// Resolves logical destinations such as <c>http://contacts</c> through Microsoft.Extensions.ServiceDiscovery,
/// so the gateway finds services exactly as every other process does (configuration from the
/// orchestrator today, DNS or another provider tomorrow). Each resolved endpoint becomes a destination
/// of the cluster; YARP resolves again whenever the endpoints change.
/// </summary>
internal sealed partial class ServiceDiscoveryDestinationResolver(
    ServiceEndpointResolver resolver,
    ILogger<ServiceDiscoveryDestinationResolver> logger) : IDestinationResolver
{
    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations,
        CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        var changeTokens = new List<IChangeToken>(destinations.Count);
        foreach (var (name, destination) in destinations)
        {
            var logical = new Uri(destination.Address);
            var source = await resolver.GetEndpointsAsync(logical.GetLeftPart(UriPartial.Authority), cancellationToken);
            changeTokens.Add(source.ChangeToken);
            foreach (var endpoint in source.Endpoints)
            {
                var address = Locate(logical, endpoint.EndPoint);
                resolved[$"{name}[{address.Authority}]"] = destination with { Address = address.ToString() };
            }

            LogResolved(logger, logical.Host, source.Endpoints.Count);
        }

        return new ResolvedDestinationCollection(resolved, new CompositeChangeToken(changeTokens));
    }

    /// <summary>The logical address with the resolved scheme, host and port; its path is kept.</summary>
    private static Uri Locate(Uri logical, EndPoint endPoint)
    {
        var address = new UriBuilder(logical);
        switch (endPoint)
        {
            case UriEndPoint uri:
                address.Scheme = uri.Uri.Scheme;
                address.Host = uri.Uri.Host;
                address.Port = uri.Uri.Port;
                break;
            case IPEndPoint ip:
                address.Host = ip.Address.ToString();
                address.Port = ip.Port > 0 ? ip.Port : logical.Port;
                break;
            case DnsEndPoint dns:
                address.Host = dns.Host;
                address.Port = dns.Port > 0 ? dns.Port : logical.Port;
                break;
            default:
                throw new InvalidOperationException($"Service discovery returned an endpoint of an unsupported kind: {endPoint.GetType().Name}.");
        }

        return address.Uri;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} resolved to {EndpointCount} endpoint(s)")]
    private static partial void LogResolved(ILogger logger, string service, int endpointCount);
}
