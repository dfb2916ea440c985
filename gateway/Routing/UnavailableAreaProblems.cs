using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace CrmCloud.Gateway.Routing;

/// <summary>
/// When a service cannot be reached, YARP answers 502, 503 or 504 with an empty body. This proxy step
/// turns that into a problem response that names the area, so a caller knows what is down.
/// </summary>
internal static partial class UnavailableAreaProblems
{
    public static IReverseProxyApplicationBuilder UseUnavailableAreaProblems(this IReverseProxyApplicationBuilder proxy)
    {
        var logger = proxy.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnavailableAreaProblems));
        proxy.Use(async (context, next) =>
        {
            await next(context);

            if (context.Features.Get<IForwarderErrorFeature>() is not { } failure)
            {
                return;
            }

            // The route's timeout cancels the request as if the caller had gone, so YARP answers 400: it is the service's slowness.
            if (TimedOut(context) && !context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            }

            if (context.Response.StatusCode < StatusCodes.Status500InternalServerError)
            {
                return;
            }

            var area = context.GetReverseProxyFeature().Route.Config.ClusterId ?? "requested";
            // YARP has logged the exception already; this names the area for whoever watches the gateway.
            LogUnavailable(logger, area, failure.Error);
            if (context.Response.HasStarted)
            {
                return;
            }

            await Problem(context.Response.StatusCode, area).ExecuteAsync(context);
        });
        return proxy;
    }

    private static ProblemHttpResult Problem(int status, string area)
    {
        var (title, detail) = status switch
        {
            StatusCodes.Status504GatewayTimeout => (
                $"The {area} service did not answer in time.",
                $"The gateway gave up waiting for the {area} service. Try again shortly."),
            StatusCodes.Status503ServiceUnavailable => (
                $"The {area} service is unavailable.",
                $"No instance of the {area} service is available. Try again shortly."),
            _ => (
                $"The {area} service is unavailable.",
                $"The gateway could not reach the {area} service. Try again shortly."),
        };
        return TypedResults.Problem(statusCode: status, title: title, detail: detail);
    }

    /// <summary>Whether the route's timeout (<c>Gateway:Timeouts</c>) ended the request.</summary>
    public static bool TimedOut(HttpContext context) =>
        context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true;

    /// <summary>
    /// Whether forwarding failed because of the service (unreachable, broken or slow), not because the caller went away.
    /// </summary>
    public static bool ServiceFailed(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>() is { } failure
        && (TimedOut(context) || failure.Error is not (ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled));

    /// <summary>Every instance of the area's service failed recently: the gateway does not try until the circuit half-opens.</summary>
    public static ProblemHttpResult CircuitOpen(string area) => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: $"The {area} service is unavailable.",
        detail: $"Recent requests to the {area} service failed, so the gateway is not sending it more for a moment. Try again after Retry-After.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to the {Area} service failed: {ForwarderError}")]
    private static partial void LogUnavailable(ILogger logger, string area, ForwarderError forwarderError);
}
