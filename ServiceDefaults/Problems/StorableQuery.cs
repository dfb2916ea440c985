using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CrmCloud.ServiceDefaults.Problems;

public static class StorableQuery
{
    private static readonly string[] NulMessage = ["The value holds a NUL character (U+0000), which cannot be stored or searched for."];

    /// <summary>
    /// Refuses a query parameter holding U+0000 (<c>?q=%00</c>) with a 400 problem naming it: filters reach PostgreSQL,
    /// whose text cannot hold the NUL character, and would fail there as a 500. Bodies are checked by
    /// <see cref="StorableTextConverter"/>; a path cannot carry one (the server refuses it).
    /// </summary>
    public static IApplicationBuilder UseStorableQuery(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var invalid = context.Request.Query
                .Where(parameter => parameter.Key.Contains('\0', StringComparison.Ordinal) || parameter.Value.Any(value => value?.Contains('\0', StringComparison.Ordinal) == true))
                .Select(parameter => parameter.Key.Replace("\0", string.Empty, StringComparison.Ordinal))
                .ToList();
            if (invalid.Count > 0)
            {
                var errors = invalid.ToDictionary(name => name, _ => NulMessage);
                await TypedResults.ValidationProblem(errors, title: "The request has invalid parameters.", detail: "See errors for each parameter.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
}
