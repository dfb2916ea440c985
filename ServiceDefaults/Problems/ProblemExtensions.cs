using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CrmCloud.ServiceDefaults.Problems;

public static class ProblemExtensions
{
    /// <summary>RFC 9457 problem details for every error, each carrying the trace id.</summary>
    public static IServiceCollection AddCrmProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Type ??= $"https://httpstatuses.io/{context.ProblemDetails.Status}";
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Malformed requests throw, so that the handler above can say what was wrong with them.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    public static IApplicationBuilder UseCrmProblemDetails(this IApplicationBuilder app) =>
        app.UseExceptionHandler().UseStatusCodePages();
}

/// <summary>Turns a malformed request (bad JSON, a body too large, a wrong content type) into a problem response.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var problem = bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => new ProblemDetails { Title = "The request body is too large.", Detail = bad.Message },
            StatusCodes.Status415UnsupportedMediaType => new ProblemDetails { Title = "The content type is not supported.", Detail = "Send application/json." },
            _ when FindJsonException(bad) is { } json => JsonProblem(json),
            _ => new ProblemDetails { Title = "The request is malformed.", Detail = bad.Message },
        };
        problem.Status = bad.StatusCode;
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    private static HttpValidationProblemDetails JsonProblem(JsonException json)
    {
        var field = FieldName(json.Path);
        var message = field.Length == 0 ? "The body is not valid JSON." : "The value is not valid for this field.";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [message] })
        {
            Title = "The request body is not valid JSON.",
            Detail = field.Length == 0 ? json.Message : $"The field '{field}' could not be read: {message}",
        };
    }

    /// <summary>"$.emails[0].address" becomes "emails[0].address": the name the caller used.</summary>
    private static string FieldName(string? path) =>
        path is null or "$" ? string.Empty : path.TrimStart('$').TrimStart('.');
}
