using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Integrations.Features.Webhooks;

public static class WebhookEndpoints
{
    private const string Resource = "webhook subscription";
    private const string DeliveryResource = "webhook delivery";
    private const string Path = "/api/v1/webhooks";

    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var read = Scopes.Read(Scopes.Webhooks);
        var write = Scopes.Write(Scopes.Webhooks);
        var webhooks = app.MapGroup(Path).WithTags("Webhooks");

        webhooks.MapGet("/event-types", EventTypes)
            .RequireScope(read)
            .WithName("ListWebhookEventTypes")
            .WithSummary("List the event types a subscription can name")
            .WithDescription("The public catalogue of event types, each with what it means. " + WebhookSignature.Verification);

        webhooks.MapPost("/", Create)
            .RequireScope(write)
            .WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to event types")
            .WithDescription("An http(s) URL, event types from the catalogue, an optional description. The signing secret (whsec_...) is in this answer only. " + WebhookSignature.Verification)
            .Accepts<CreateWebhookRequest>("application/json")
            .ProducesValidationProblem();

        webhooks.MapGet("/", List)
            .RequireScope(read)
            .WithName("ListWebhooks")
            .WithSummary("List the tenant's webhook subscriptions")
            .WithDescription("Subscriptions in creation order, a page at a time, without their secrets; a disabled one says why and since when.")
            .ProducesValidationProblem();

        webhooks.MapGet("/{id:guid}", Get)
            .RequireScope(read)
            .WithName("GetWebhook")
            .WithSummary("Get a webhook subscription")
            .WithDescription("The subscription without its secret; disabledReason and disabledAt tell when and why deliveries stopped.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        webhooks.MapPatch("/{id:guid}", Update)
            .RequireScope(write)
            .WithName("UpdateWebhook")
            .WithSummary("Change a webhook subscription (JSON merge patch)")
            .WithDescription("url, eventTypes, description (null clears it) and enabled: true starts deliveries again after the subscription was disabled, "
                + "false stops them. Pending deliveries wait while it is disabled. If-Match guards against lost updates (412).")
            .Accepts<CreateWebhookRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        webhooks.MapDelete("/{id:guid}", Delete)
            .RequireScope(write)
            .WithName("DeleteWebhook")
            .WithSummary("Delete a webhook subscription (removed permanently)")
            .WithDescription("Removes the subscription with its deliveries and their log; nothing more is sent to it.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        webhooks.MapPost("/{id:guid}/rotate-secret", RotateSecret)
            .RequireScope(write)
            .WithName("RotateWebhookSecret")
            .WithSummary("Issue a new signing secret")
            .WithDescription("The new secret, in this answer only, signs every attempt from now on, retries of earlier deliveries included.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        webhooks.MapGet("/{id:guid}/deliveries", Deliveries)
            .RequireScope(read)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The subscription's delivery log")
            .WithDescription("Deliveries oldest first, a page at a time, with their attempts, the last status code and error and when the next attempt is due. Filter: ?status=pending|delivered|failed.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        webhooks.MapGet("/{id:guid}/deliveries/{deliveryId:guid}", GetDelivery)
            .RequireScope(read)
            .WithName("GetWebhookDelivery")
            .WithSummary("One delivery with its attempt history and body")
            .ProducesProblem(StatusCodes.Status404NotFound);

        webhooks.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", Redeliver)
            .RequireScope(write)
            .WithName("RedeliverWebhook")
            .WithSummary("Send a delivery again")
            .WithDescription("A new attempt soon, with the same body and id (receivers drop it if they had it), whatever became of the delivery. Only for an enabled subscription (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return webhooks;
    }

    private static Ok<WebhookEventTypeResponse[]> EventTypes() =>
        TypedResults.Ok(WebhookCatalogue.Descriptions.Select(pair => new WebhookEventTypeResponse(pair.Key, pair.Value)).ToArray());

    private static async Task<Results<Created<WebhookResponse>, ValidationProblem>> Create(
        CreateWebhookRequest request, IntegrationsDb db, IOptions<WebhookOptions> options, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(options.Value.AllowPrivateAddresses, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        var subscription = WebhookSubscription.Create(Ids.New(), details, WebhookSignature.NewSecret(), time.GetUtcNow());
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(cancellationToken);
        ETags.Write(response, subscription.Version);
        return TypedResults.Created($"{Path}/{subscription.Id}", WebhookResponse.From(subscription, withSecret: true));
    }

    private static async Task<Results<Ok<Page<WebhookResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, IntegrationsDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        return TypedResults.Ok(await page.ReadAsync(db.WebhookSubscriptions.AsNoTracking(), subscription => WebhookResponse.From(subscription), cancellationToken));
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> Get(Guid id, IntegrationsDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, subscription.Version);
        return TypedResults.Ok(WebhookResponse.From(subscription));
    }

    private static async Task<Results<Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, IntegrationsDb db, IOptions<WebhookOptions> options, IOptions<JsonOptions> json, TimeProvider time,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.WebhookSubscriptions.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } subscription)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (subscription.Details.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } patched
            || patched.Validate(options.Value.AllowPrivateAddresses, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (subscription.Change(details, time.GetUtcNow()) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, subscription.Version);
        return TypedResults.Ok(WebhookResponse.From(subscription));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, IntegrationsDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.WebhookSubscriptions.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } subscription)
        {
            return loaded.Problem!;
        }

        db.WebhookSubscriptions.Remove(subscription);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> RotateSecret(
        Guid id, IntegrationsDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.WebhookSubscriptions.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } subscription)
        {
            return loaded.Problem!;
        }

        subscription.RotateSecret(WebhookSignature.NewSecret(), time.GetUtcNow());
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, subscription.Version);
        return TypedResults.Ok(WebhookResponse.From(subscription, withSecret: true));
    }

    private static async Task<Results<Ok<Page<WebhookDeliveryResponse>>, ValidationProblem, ProblemHttpResult>> Deliveries(
        Guid id, [AsParameters] PageQuery page, string? status, IntegrationsDb db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors(page.Validate());
        var wanted = errors.OneOf<WebhookDeliveryStatus>("status", status);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors.ToDictionary());
        }

        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound(Resource, id);
        }

        var deliveries = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id);
        if (wanted is { } only)
        {
            deliveries = deliveries.Where(d => d.Status == only);
        }

        return TypedResults.Ok(await page.ReadAsync(deliveries, WebhookDeliveryResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<WebhookDeliveryResponse>, ProblemHttpResult>> GetDelivery(
        Guid id, Guid deliveryId, IntegrationsDb db, CancellationToken cancellationToken)
    {
        var delivery = await db.WebhookDeliveries.AsNoTracking().Include(d => d.AttemptLog)
            .FirstOrDefaultAsync(d => d.Id == deliveryId && d.SubscriptionId == id, cancellationToken);
        return delivery is null ? ApiProblems.NotFound(DeliveryResource, deliveryId) : TypedResults.Ok(WebhookDeliveryResponse.WithAttempts(delivery));
    }

    private static async Task<Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult>> Redeliver(
        Guid id, Guid deliveryId, IntegrationsDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        var delivery = subscription is null ? null : await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.SubscriptionId == id, cancellationToken);
        if (subscription is null || delivery is null)
        {
            return ApiProblems.NotFound(DeliveryResource, deliveryId);
        }

        if (!subscription.Enabled)
        {
            return ApiProblems.Conflict("The subscription is disabled.", "Enable it (PATCH enabled: true) before redelivering: nothing is sent to a disabled subscription.");
        }

        delivery.Redeliver(time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"{Path}/{id}/deliveries/{deliveryId}", WebhookDeliveryResponse.From(delivery));
    }
}
