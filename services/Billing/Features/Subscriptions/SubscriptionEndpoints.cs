using CrmCloud.Contracts.Billing;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Subscriptions;

public static class SubscriptionEndpoints
{
    private const string Resource = "subscription";

    public static RouteGroupBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        var subscriptions = app.MapGroup("/api/v1/subscriptions").WithTags("Subscriptions");

        subscriptions.MapPost("/", Create)
            .RequireScope(Scopes.Write("billing"))
            .WithName("StartSubscription")
            .WithSummary("Start a subscription")
            .WithDescription(
                "Bills an account a plan (name, price as a decimal string, currency defaulting to the account's, interval month or year, taxRateId) "
                + "every period from startsOn (default today, not in the past). Each period's invoice is issued by the scheduler once the period starts, "
                + "exactly once. Publishes SubscriptionStarted, then SubscriptionRenewed for each later period.")
            .Accepts<CreateSubscriptionRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        subscriptions.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("billing"))
            .WithName("GetSubscription")
            .WithSummary("Get a subscription")
            .WithDescription("The subscription with its current period, next invoice date and ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        subscriptions.MapGet("/", List)
            .RequireScope(Scopes.Read("billing"))
            .WithName("ListSubscriptions")
            .WithSummary("List subscriptions")
            .WithDescription("Subscriptions in creation order, a page at a time; filter by ?billingAccountId=.")
            .ProducesValidationProblem();

        subscriptions.MapPost("/{id:guid}/cancel", Cancel)
            .RequireScope(Scopes.Write("billing"))
            .WithName("CancelSubscription")
            .WithSummary("Cancel a subscription")
            .WithDescription(
                "atPeriodEnd (default true) ends it when the current period ends, which is already paid for; false ends it today. "
                + "No further period is invoiced. Cancelling a cancelled subscription is a 409. Publishes SubscriptionCancelled.")
            .Accepts<CancelSubscriptionRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return subscriptions;
    }

    private static async Task<Results<Created<SubscriptionResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateSubscriptionRequest request, BillingDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        var account = request.BillingAccountId is { } accountId
            ? await db.BillingAccounts.FirstOrDefaultAsync(a => a.Id == accountId && !a.IsDeleted, cancellationToken)
            : null;
        if (account is null)
        {
            errors.Add("billingAccountId", request.BillingAccountId is null ? "This field is required." : "No billing account with this id.");
        }

        if (request.StartsOn < today)
        {
            errors.Add("startsOn", "A subscription cannot start in the past.");
        }

        Plan? plan = null;
        if (request.Plan is not { } requested)
        {
            errors.Add("plan", "This field is required.");
        }
        else
        {
            var currency = requested.Currency is null ? account?.Terms.Currency : Currencies.Validate("plan.currency", requested.Currency, errors);
            var name = errors.Required("plan.name", requested.Name, SubscriptionRequests.NameLength);
            var price = errors.Amount("plan.price", requested.Price, PricingFields.UnitPriceDecimals);
            BillingInterval interval = default;
            if (requested.Interval is null || !WireNames<BillingInterval>.TryParse(requested.Interval, out interval))
            {
                errors.Add("plan.interval", $"One of {string.Join(", ", WireNames<BillingInterval>.All)}.");
            }

            var rate = requested.TaxRateId is { } rateId ? await db.TaxRates.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rateId, cancellationToken) : null;
            if (requested.TaxRateId is not null && rate is null)
            {
                errors.Add("plan.taxRateId", "No tax rate with this id.");
            }

            if (errors.IsEmpty)
            {
                plan = new Plan(name!, price!.Value, currency!, interval, rate?.Id, rate?.Details.Name, rate?.Details.Rate ?? 0);
            }
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var subscription = Subscription.Start(db.Tenant.TenantId, request.Id ?? Ids.New(), account!.Id, account.PersonId, plan!, request.StartsOn ?? today, now);
        db.Subscriptions.Add(subscription);
        db.Publish(new SubscriptionStarted(
            subscription.TenantId, subscription.Id, account.PersonId, account.Id, plan!.Name, plan.Price, plan.Currency, WireNames<BillingInterval>.Of(plan.Interval), subscription.StartsOn, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"Another subscription already has the id {subscription.Id}.");
        }

        ETags.Write(response, subscription.Version);
        return TypedResults.Created($"/api/v1/subscriptions/{subscription.Id}", SubscriptionResponse.From(subscription, today));
    }

    private static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> Get(
        Guid id, BillingDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var subscription = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, subscription.Version);
        return TypedResults.Ok(SubscriptionResponse.From(subscription, Today(time)));
    }

    private static async Task<Results<Ok<Page<SubscriptionResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, Guid? billingAccountId, BillingDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        var subscriptions = db.Subscriptions.AsNoTracking();
        if (billingAccountId is { } account)
        {
            subscriptions = subscriptions.Where(s => s.BillingAccountId == account);
        }

        var today = Today(time);
        return TypedResults.Ok(await page.ReadAsync(subscriptions, s => SubscriptionResponse.From(s, today), cancellationToken));
    }

    private static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> Cancel(
        Guid id, CancelSubscriptionRequest? body, BillingDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Subscriptions.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } subscription)
        {
            return loaded.Problem!;
        }

        if (subscription.CancelledAt is not null)
        {
            return ApiProblems.Conflict("The subscription is cancelled already.", $"Subscription {id} ends on {subscription.EndsOn:yyyy-MM-dd}.");
        }

        var now = time.GetUtcNow();
        var atPeriodEnd = body?.AtPeriodEnd ?? true;
        subscription.Cancel(atPeriodEnd, DateOnly.FromDateTime(now.UtcDateTime), now);
        db.Publish(new SubscriptionCancelled(subscription.TenantId, subscription.Id, subscription.PersonId, subscription.BillingAccountId, subscription.EndsOn!.Value, atPeriodEnd, now));
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, subscription.Version);
        return TypedResults.Ok(SubscriptionResponse.From(subscription, Today(time)));
    }

    private static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
