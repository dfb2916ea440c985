using System.Collections.Concurrent;
using System.Globalization;
using CrmCloud.Gateway.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Model;

namespace CrmCloud.Gateway.Protection;

/// <summary><c>Gateway:CircuitBreaker</c>: how many failures in a row open a destination's circuit, and for how long.</summary>
public sealed class CircuitBreakerOptions
{
    public const string Section = "Gateway:CircuitBreaker";

    public int FailuresToOpen { get; set; } = 5;

    public TimeSpan OpenFor { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// A circuit breaker per destination (a service instance). Failures to forward (refused connections, timeouts)
/// in a row open its circuit: for <see cref="CircuitBreakerOptions.OpenFor"/> no request is sent there, so callers
/// of a slow or stopped service get an immediate 503 naming the area instead of tying up the gateway. Then one
/// request at a time probes it (half-open) until one succeeds. A service's own answers, 5xx included, count as
/// success: it is reachable.
/// </summary>
internal sealed class CircuitBreakers(IOptions<CircuitBreakerOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Circuit> _circuits = new(StringComparer.Ordinal);

    /// <summary>Whether a request may go to <paramref name="destination"/> now; in half-open state only the one probe may.</summary>
    public bool Allows(string destination) => CircuitOf(destination).Allows(time.GetUtcNow(), options.Value.OpenFor);

    public void Record(string destination, bool failed) =>
        CircuitOf(destination).Record(failed, time.GetUtcNow(), options.Value.FailuresToOpen, options.Value.OpenFor);

    /// <summary>When the first of <paramref name="destinations"/> may be tried again.</summary>
    public DateTimeOffset ReopensAt(IEnumerable<string> destinations) =>
        destinations.Select(destination => CircuitOf(destination).OpenUntil).DefaultIfEmpty(time.GetUtcNow()).Min();

    private Circuit CircuitOf(string destination) => _circuits.GetOrAdd(destination, _ => new Circuit());

    private sealed class Circuit
    {
        private readonly Lock _lock = new();
        private int _failures;
        private DateTimeOffset? _probeStartedAt;

        public DateTimeOffset OpenUntil { get; private set; } = DateTimeOffset.MinValue;

        /// <param name="probeFor">How long a probe may be outstanding (it may not even be sent) before another is let through.</param>
        public bool Allows(DateTimeOffset now, TimeSpan probeFor)
        {
            lock (_lock)
            {
                if (OpenUntil == DateTimeOffset.MinValue)
                {
                    return true;
                }

                if (now < OpenUntil || now - _probeStartedAt < probeFor)
                {
                    return false;
                }

                _probeStartedAt = now;
                return true;
            }
        }

        public void Record(bool failed, DateTimeOffset now, int failuresToOpen, TimeSpan openFor)
        {
            lock (_lock)
            {
                _probeStartedAt = null;
                if (!failed)
                {
                    _failures = 0;
                    OpenUntil = DateTimeOffset.MinValue;
                    return;
                }

                _failures++;
                if (_failures >= failuresToOpen || OpenUntil != DateTimeOffset.MinValue)
                {
                    OpenUntil = now + openFor;
                }
            }
        }
    }
}

internal static class CircuitBreakerSteps
{
    /// <summary>
    /// A proxy step between session affinity and load balancing: it leaves only destinations whose circuit is closed
    /// (or due a probe) to choose from, answers 503 naming the area when none is left, and records how forwarding went.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseCircuitBreakers(this IReverseProxyApplicationBuilder proxy)
    {
        var breakers = proxy.ApplicationServices.GetRequiredService<CircuitBreakers>();
        var time = proxy.ApplicationServices.GetRequiredService<TimeProvider>();
        proxy.Use(async (context, next) =>
        {
            var feature = context.GetReverseProxyFeature();
            var candidates = feature.AvailableDestinations;
            var allowed = candidates.Where(destination => breakers.Allows(destination.DestinationId)).ToList();
            if (allowed.Count == 0 && candidates.Count > 0)
            {
                var retryAfter = breakers.ReopensAt(candidates.Select(destination => destination.DestinationId)) - time.GetUtcNow();
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers[HeaderNames.RetryAfter] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await UnavailableAreaProblems.CircuitOpen(feature.Route.Config.ClusterId ?? "requested").ExecuteAsync(context);
                return;
            }

            feature.AvailableDestinations = allowed;
            await next(context);

            if (feature.ProxiedDestination is { } destination)
            {
                breakers.Record(destination.DestinationId, failed: UnavailableAreaProblems.ServiceFailed(context));
            }
        });
        return proxy;
    }
}
