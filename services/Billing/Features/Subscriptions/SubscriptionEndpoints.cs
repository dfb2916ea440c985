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

        subscriptions.MapPost("/{id:guid}/change-plan", ChangePlan)
            .RequireScope(Scopes.Write("billing"))
            .WithName("ChangeSubscriptionPlan")
            .WithSummary("Change a subscription's plan")
            .WithDescription(
                "plan as on start (name, price, interval, taxRateId; the currency stays the subscription's). effective: next-period (default) puts the plan in force "
                + "when the next period is invoiced (pendingPlan until then; a new interval counts from that period's start); now changes the price at once: "
                + "the difference between the new and old price for the days left of the current period, (new − old) × daysLeft / daysInPeriod rounded "
                + "half-even, is a charge (or, when negative, a credit) line on the next period's invoice, taxed at the new plan's rate (nextInvoiceAdjustments until then). "
                + "now with another interval is a 422. Before the first period is invoiced, the plan simply changes. A cancelled subscription is a 409.")
            .Accepts<ChangePlanRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

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

        var plan = await SubscriptionRequests.PlanAsync(db, request.Plan, account?.Terms.Currency, errors, cancellationToken);
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

    private static async Task<Results<Ok<SubscriptionResponse>, ValidationProblem, ProblemHttpResult>> ChangePlan(
        Guid id, ChangePlanRequest body, BillingDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Subscriptions.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } subscription)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        var plan = await SubscriptionRequests.PlanAsync(db, body.Plan, subscription.Plan.Currency, errors, cancellationToken);
        if (plan is not null && plan.Currency != subscription.Plan.Currency)
        {
            errors.Add("plan.currency", $"The subscription is billed in {subscription.Plan.Currency}; start another subscription for another currency.");
        }

        if (body.Effective is not (null or ChangePlanRequest.NextPeriod or ChangePlanRequest.Now))
        {
            errors.Add("effective", $"One of {ChangePlanRequest.NextPeriod}, {ChangePlanRequest.Now}.");
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var today = Today(time);
        if (subscription.CancelledAt is not null || subscription.IsEnded(today))
        {
            return ApiProblems.Conflict("The subscription is cancelled.", $"Subscription {id} ends on {subscription.EndsOn:yyyy-MM-dd}; its plan no longer changes.");
        }

        var now = body.Effective == ChangePlanRequest.Now;
        if (now && subscription.CannotChangeNow(plan!) is { } why)
        {
            return ApiProblems.Unprocessable("The plan cannot change at once.", why);
        }

        subscription.ChangePlan(plan!, now, today, time.GetUtcNow());
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, subscription.Version);
        return TypedResults.Ok(SubscriptionResponse.From(subscription, today));
    }

    private static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
