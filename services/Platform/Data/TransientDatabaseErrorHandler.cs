using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace CrmCloud.Platform.Data;

/// <summary>
/// A request the database could not take (no pooled connection free in time under a load beyond the service, the server
/// restarting, too many clients) is answered 503 with <c>Retry-After</c> rather than 500: the request was sound and may be
/// sent again, with the same <c>Idempotency-Key</c> when it had one (the gateway does not keep a 5xx as its outcome).
/// </summary>
public sealed class TransientDatabaseErrorHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>Seconds a caller should wait: the pool's queue drains, or the server comes back, in about that.</summary>
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DbErrors.IsTransient(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers[HeaderNames.RetryAfter] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is busy.",
                Detail = $"The database could not serve the request in time; send it again after {RetryAfterSeconds} seconds.",
            },
        });
    }
}
