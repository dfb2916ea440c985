using System.Text.Json;
using CrmCloud.Platform.Api;

namespace CrmCloud.Integrations.Features.Webhooks;

/// <summary>A subscription to create: where deliveries go, which event types (from <c>GET /api/v1/webhooks/event-types</c>), a description.</summary>
public sealed record CreateWebhookRequest(string? Url, string?[]? EventTypes, string? Description, bool? Enabled);

/// <summary>A subscription; <c>secret</c> is present only in the answer to its creation or to a rotation of its secret.</summary>
public sealed record WebhookResponse(
    Guid Id,
    string Url,
    IReadOnlyList<string> EventTypes,
    string? Description,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset? DisabledAt,
    DateTimeOffset? SecretRotatedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    string? Secret = null)
{
    public static WebhookResponse From(WebhookSubscription subscription, bool withSecret = false) => new(
        subscription.Id, subscription.Url, subscription.EventTypes, subscription.Description, subscription.Enabled, subscription.DisabledReason,
        subscription.DisabledAt, subscription.SecretRotatedAt, subscription.CreatedAt, subscription.UpdatedAt, subscription.Version,
        withSecret ? subscription.Secret : null);
}

public sealed record WebhookEventTypeResponse(string Type, string Description);

/// <summary>A delivery in the log: its state, its attempts so far and when the next is due; one delivery adds its attempts and body.</summary>
public sealed record WebhookDeliveryResponse(
    Guid Id,
    Guid SubscriptionId,
    string EventType,
    DateTimeOffset OccurredAt,
    WebhookDeliveryStatus Status,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset CreatedAt,
    IReadOnlyList<WebhookAttemptResponse>? AttemptLog = null,
    JsonElement? Body = null)
{
    public static WebhookDeliveryResponse From(WebhookDelivery delivery) => new(
        delivery.Id, delivery.SubscriptionId, delivery.EventType, delivery.OccurredAt, delivery.Status, delivery.Attempts, delivery.LastStatusCode,
        delivery.LastError, delivery.LastAttemptAt, delivery.NextAttemptAt, delivery.DeliveredAt, delivery.CreatedAt);

    public static WebhookDeliveryResponse WithAttempts(WebhookDelivery delivery) => From(delivery) with
    {
        AttemptLog = [.. delivery.AttemptLog.OrderBy(a => a.AttemptedAt).Select((a, index) => new WebhookAttemptResponse(index + 1, a.AttemptedAt, a.StatusCode, a.Error, a.DurationMs))],
        Body = JsonDocument.Parse(delivery.Body).RootElement.Clone(),
    };
}

public sealed record WebhookAttemptResponse(int Number, DateTimeOffset AttemptedAt, int? StatusCode, string? Error, int DurationMs);

public static class WebhookRequests
{
    public const int UrlLength = 2000;
    public const int DescriptionLength = 500;

    private static readonly HashSet<string> Patchable = new(StringComparer.Ordinal) { "url", "eventTypes", "description", "enabled" };

    public static WebhookDetails? Validate(this CreateWebhookRequest request, bool allowPrivateAddresses, FieldErrors errors)
    {
        var url = WebhookAddresses.Validate("url", request.Url, allowPrivateAddresses, errors);
        var types = new List<string>();
        if (request.EventTypes is not { Length: > 0 })
        {
            errors.Add("eventTypes", "Name at least one event type.");
        }
        else
        {
            for (var index = 0; index < request.EventTypes.Length; index++)
            {
                var type = request.EventTypes[index];
                if (type is null || !WebhookCatalogue.IsKnown(type))
                {
                    errors.Add($"eventTypes[{index}]", $"Unknown event type; known types are {string.Join(", ", WebhookCatalogue.Types)}.");
                }
                else if (!types.Contains(type, StringComparer.Ordinal))
                {
                    types.Add(type);
                }
            }
        }

        var description = errors.Optional("description", request.Description, DescriptionLength);
        return errors.IsEmpty ? new WebhookDetails(url!.AbsoluteUri, types, description, request.Enabled ?? true) : null;
    }

    public static CreateWebhookRequest? ApplyPatch(this WebhookDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        if (MergePatch.Read(body, Patchable, errors) is not { } patch)
        {
            return null;
        }

        var patched = new CreateWebhookRequest(
            patch.Text("url", current.Url, errors),
            patch.Value<string?[]>("eventTypes", [.. current.EventTypes], json, errors),
            patch.Text("description", current.Description, errors),
            patch.Value<bool?>("enabled", current.Enabled, json, errors));
        foreach (var required in (string[])["url", "eventTypes", "enabled"])
        {
            if (patch.Has(required) && body.GetProperty(required).ValueKind == JsonValueKind.Null)
            {
                errors.Add(required, "This field cannot be cleared.");
            }
        }

        return errors.IsEmpty ? patched : null;
    }
}
