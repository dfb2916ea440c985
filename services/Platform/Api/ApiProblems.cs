using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmCloud.Platform.Api;

/// <summary>The problem responses every resource gives, worded the same way everywhere.</summary>
public static class ApiProblems
{
    /// <summary>Also the answer for another tenant's resource: never reveal that it exists.</summary>
    public static ProblemHttpResult NotFound(string resource, Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"The {resource} was not found.", detail: $"No {resource} with id {id}.");

    public static ProblemHttpResult PreconditionFailed(string resource) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: "The resource has changed.",
            detail: $"The {resource} no longer has the version named in If-Match; read it again and reapply the change.");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    /// <summary>A well-formed request that a business rule refuses.</summary>
    public static ProblemHttpResult Unprocessable(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: title, detail: detail);

    public static ValidationProblem Invalid(FieldErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request has invalid fields.", detail: "See errors for each field.");

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request has invalid parameters.", detail: "See errors for each parameter.");
}
