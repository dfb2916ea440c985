using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace CrmCloud.ServiceDefaults.Problems;

public static class RequestBodyLimit
{
    /// <summary>
    /// Refuses a declared body over <paramref name="maxBytes"/> with a 413 problem before anything reads
    /// it. The server's own limit (Kestrel's MaxRequestBodySize) still stops an undeclared, chunked one.
    /// An endpoint that takes larger bodies (file uploads) says so with <see cref="IRequestSizeLimitMetadata"/>
    /// (<c>RequestSizeLimitAttribute</c>): its limit replaces both, for that endpoint only.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long maxBytes) =>
        app.Use(async (context, next) =>
        {
            var limit = maxBytes;
            if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize is { } endpointLimit)
            {
                limit = endpointLimit;
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
                {
                    server.MaxRequestBodySize = endpointLimit;
                }
            }

            if (context.Request.ContentLength > limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Title = "The request body is too large.",
                        Detail = $"A request body may hold at most {limit} bytes.",
                    },
                });
                return;
            }

            await next(context);
        });
}
