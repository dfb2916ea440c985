using CrmCloud.Gateway.Credentials;
using CrmCloud.Gateway.Protection;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CrmCloud.Gateway.Customers;

public static class CustomerEndpoints
{
    /// <summary>Says whether a 360 came from the cache (<c>hit</c>) or was composed for this request (<c>miss</c>).</summary>
    public const string CacheHeader = "X-Cache";

    /// <summary>The 360, composed by the gateway itself from the services, its cache, and the consumer of the person's events that empties it.</summary>
    public static IHostApplicationBuilder AddCustomerViews(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CustomerViewOptions>()
            .BindConfiguration(CustomerViewOptions.Section)
            .Validate(view => view.CallTimeout > TimeSpan.Zero && view.RecentItems > 0, "Gateway:Customer360 needs a positive CallTimeout and RecentItems.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AreaCalls>();
        builder.Services.AddSingleton<CustomerViews>();
        builder.Services.AddSingleton<CustomerViewCache>();
        builder.AddBus("gateway", typeof(CustomerViewInvalidation).Assembly);
        return builder;
    }

    public static RouteGroupBuilder MapCustomerViews(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<RateLimits>();
        var customers = app.MapGroup("/api/v1/customers").WithTags("Customer 360");

        customers.MapGet("/{personId:guid}/360", GetAsync)
            .RequireScope(Scopes.Read("contacts"))
            // Counted like any proxied request: one 360 is one request of the caller's.
            .AddEndpointFilter(async (context, next) =>
            {
                object? result = null;
                await limits.InvokeAsync(context.HttpContext, async () => result = await next(context));
                return result ?? Results.Empty;
            })
            .WithName("GetCustomer360")
            .WithSummary("Everything known about a customer, in one call")
            .WithDescription(
                "The person and their company (contacts), open opportunities and the latest orders (sales), unsolved tickets with "
                + "their SLA due times (support), unpaid invoices (billing) and the latest campaign responses (campaign), read from "
                + "the services at once with the caller's credentials. A section whose service is down, slow or refuses the caller's "
                + "scope is absent and named in warnings (code unavailable, timeout or forbidden); the answer is still 200. "
                + $"Complete answers are kept briefly and emptied by the person's events; the {CacheHeader} header says hit or miss.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return customers;
    }

    private static async Task<Results<Ok<CustomerView>, ProblemHttpResult>> GetAsync(
        Guid personId, HttpContext context, CustomerViews views, CustomerViewCache cache, InternalTokens tokens, CancellationToken cancellationToken)
    {
        var user = context.User;
        var tenant = user.FindFirst(CrmClaims.Tenant)!.Value;
        var scopes = string.Join(' ', AuthenticationExtensions.ScopesOf(user).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        if (await cache.FindAsync(tenant, personId, scopes) is { } cached)
        {
            context.Response.Headers[CacheHeader] = "hit";
            return TypedResults.Ok(cached);
        }

        // A partner's key goes no further than the gateway: the services get the internal token it mints for the key.
        var authorization = context.Features.Get<PartnerKeyGrant>() is { } grant
            ? $"Bearer {tokens.For(grant)}"
            : context.Request.Headers[HeaderNames.Authorization].ToString();
        if (await views.ComposeAsync(personId, authorization, cancellationToken) is not { } view)
        {
            return ApiProblems.NotFound("person", personId);
        }

        if (view.Warnings.Count == 0)
        {
            await cache.KeepAsync(tenant, personId, scopes, view);
        }

        context.Response.Headers[CacheHeader] = "miss";
        return TypedResults.Ok(view);
    }
}
