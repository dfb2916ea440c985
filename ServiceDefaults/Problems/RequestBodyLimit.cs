using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace CrmCloud.ServiceDefaults.Problems;

public static class RequestBodyLimit
{
    /// <summary>
    /// Refuses a declared body over <paramref name="maxBytes"/> with a 413 problem before anything reads
    /// it. The server's own limit (Kestrel's MaxRequestBodySize) still stops an undeclared, chunked one.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long maxBytes) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > maxBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Title = "The request body is too large.",
                        Detail = $"A request body may hold at most {maxBytes} bytes.",
                    },
                });
                return;
            }

            await next(context);
        });
}
