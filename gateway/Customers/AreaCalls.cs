using System.Net;
using System.Text.Json;
using CrmCloud.Gateway.Protection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy;

namespace CrmCloud.Gateway.Customers;

/// <summary>What one service answered: its body, a not-found, or the warning that stands in for it.</summary>
internal sealed record AreaAnswer(JsonElement? Body, bool NotFound, CustomerViewWarning? Warning)
{
    public static AreaAnswer Missing(string area, string code, string detail) => new(null, false, new CustomerViewWarning(area, code, detail));
}

/// <summary>
/// Reads from a service the way the proxy reaches it: the destinations YARP resolved through service discovery for the
/// area's cluster, skipping those whose circuit is open, and recording each outcome in the same
/// <see cref="CircuitBreakers"/>, so the 360 and proxied requests share one view of which service is down. The caller's
/// credentials go along (<paramref name="authorization"/>), so each service checks its own scope.
/// </summary>
internal sealed partial class AreaCalls(
    IProxyStateLookup proxy,
    CircuitBreakers breakers,
    IOptions<CustomerViewOptions> options,
    ILogger<AreaCalls> logger) : IDisposable
{
    /// <summary>
    /// Its own client, without the standard resilience handler of the factory's: the per-call timeout and the circuit
    /// breakers shared with the proxy are the resilience here, and no retry may stretch a 360 past its timeout.
    /// </summary>
    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<AreaAnswer> GetAsync(string area, string pathAndQuery, string authorization, CancellationToken cancellationToken)
    {
        var destinations = proxy.TryGetCluster(area, out var cluster) ? cluster.DestinationsState.AvailableDestinations : [];
        if (destinations.Count == 0)
        {
            return AreaAnswer.Missing(area, WarningCodes.Unavailable, $"No instance of the {area} service is available.");
        }

        var destination = destinations.FirstOrDefault(candidate => breakers.Allows(candidate.DestinationId));
        if (destination is null)
        {
            return AreaAnswer.Missing(area, WarningCodes.Unavailable, $"Recent requests to the {area} service failed, so the gateway is not sending it more for a moment.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.CallTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(destination.Model.Config.Address), pathAndQuery));
        request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            // The service answered: it is reachable, whatever it said (as for proxied requests).
            breakers.Record(destination.DestinationId, failed: false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    return new AreaAnswer(null, true, null);
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    return AreaAnswer.Missing(area, WarningCodes.Forbidden, $"Your credentials do not grant the scope '{area}:read'.");
                case var status when !response.IsSuccessStatusCode:
                    LogRefused(logger, area, (int)status);
                    return AreaAnswer.Missing(area, WarningCodes.Unavailable, $"The {area} service answered {(int)status}.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            return new AreaAnswer(await JsonSerializer.DeserializeAsync<JsonElement>(body, cancellationToken: timeout.Token), false, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            breakers.Record(destination.DestinationId, failed: true);
            return AreaAnswer.Missing(area, WarningCodes.Timeout, $"The {area} service did not answer within {options.Value.CallTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException exception)
        {
            breakers.Record(destination.DestinationId, failed: true);
            LogUnreachable(logger, area, exception);
            return AreaAnswer.Missing(area, WarningCodes.Unavailable, $"The gateway could not reach the {area} service.");
        }
        catch (JsonException exception)
        {
            LogUnreachable(logger, area, exception);
            return AreaAnswer.Missing(area, WarningCodes.Unavailable, $"The {area} service's answer could not be read.");
        }
    }

    public void Dispose() => _client.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Area} service answered {StatusCode} to a customer 360 read")]
    private static partial void LogRefused(ILogger logger, string area, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Area} service could not be reached for a customer 360")]
    private static partial void LogUnreachable(ILogger logger, string area, Exception exception);
}
