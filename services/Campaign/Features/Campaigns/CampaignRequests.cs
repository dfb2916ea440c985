using System.Text.Json;
using System.Text.RegularExpressions;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Campaign.Features.Campaigns;

/// <summary>The offer as a caller states it: discountPercent (a number, 10 for 10 %) or discountAmount (money).</summary>
public sealed record OfferRequest(
    decimal? DiscountPercent, Money? DiscountAmount, string? Terms, DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, string? CodeKind, string? SharedCode);

public sealed record CreateCampaignRequest(
    Guid? Id,
    string? Name,
    string? Channel,
    Guid? SegmentId,
    string? Subject,
    string? Body,
    OfferRequest? Offer,
    DateTimeOffset? ScheduledAt,
    Money? Budget,
    Money? Cost,
    int? AttributionDays);

public sealed record CampaignResponse(
    Guid Id,
    string Name,
    string Channel,
    Guid? SegmentId,
    string? Subject,
    string? Body,
    CampaignOffer? Offer,
    DateTimeOffset? ScheduledAt,
    Money? Budget,
    Money? Cost,
    int AttributionDays,
    string Status,
    DateTimeOffset? LaunchedAt,
    DateTimeOffset? CompletedAt,
    int AudienceCount,
    int ExcludedWithoutConsent,
    int ExcludedWithoutAddress,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static CampaignResponse From(MarketingCampaign campaign)
    {
        var d = campaign.Details;
        return new(
            campaign.Id, d.Name, d.Channel, d.SegmentId, d.Subject, d.Body, d.Offer, d.ScheduledAt, d.Budget, d.Cost, d.AttributionDays,
            WireNames<CampaignStatus>.Of(campaign.Status), campaign.LaunchedAt, campaign.CompletedAt, campaign.AudienceCount,
            campaign.ExcludedWithoutConsent, campaign.ExcludedWithoutAddress, campaign.CreatedAt, campaign.UpdatedAt, campaign.Version);
    }
}

public static partial class CampaignRequests
{
    public const int NameLength = 200;
    public const int SubjectLength = 300;
    public const int BodyLength = 100_000;
    public const int TermsLength = 2000;
    public const int DefaultAttributionDays = 30;
    public static readonly string[] Channels = ["email", "sms", "phone"];
    public static readonly string[] CodeKinds = ["shared", "unique"];

    /// <summary>The personalisation fields a subject or body may hold, as <c>{{name}}</c>.</summary>
    public static readonly string[] Fields = ["firstName", "lastName", "email", "offerCode", "campaignName", "unsubscribeUrl"];

    /// <summary>What may change after launch: the rest is fixed by what was sent.</summary>
    public static readonly HashSet<string> ChangeableAfterLaunch = ["name", "cost", "budget"];

    private static readonly HashSet<string> Patchable =
        ["name", "channel", "segmentId", "subject", "body", "offer", "scheduledAt", "budget", "cost", "attributionDays"];

    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    public static partial Regex Placeholder();

    public static CampaignDetails? Validate(this CreateCampaignRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        return Normalise(request with { Channel = request.Channel ?? "email" }, errors);
    }

    public static CampaignDetails? ApplyPatch(this CampaignDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors, out MergePatch? patch)
    {
        patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var offer = current.Offer is { } o
            ? new OfferRequest(o.DiscountPercent, o.DiscountAmount, o.Terms, o.ValidFrom, o.ValidUntil, o.CodeKind, o.SharedCode)
            : null;
        var patched = new CreateCampaignRequest(
            null,
            patch.Text("name", current.Name, errors),
            patch.Text("channel", current.Channel, errors),
            patch.Value("segmentId", current.SegmentId, json, errors),
            patch.Text("subject", current.Subject, errors),
            patch.Text("body", current.Body, errors),
            patch.Value("offer", offer, json, errors),
            patch.Value("scheduledAt", current.ScheduledAt, json, errors),
            patch.Value("budget", current.Budget, json, errors),
            patch.Value("cost", current.Cost, json, errors),
            patch.Value<int?>("attributionDays", current.AttributionDays, json, errors));
        return errors.IsEmpty ? Normalise(patched, errors) : null;
    }

    private static CampaignDetails? Normalise(CreateCampaignRequest request, FieldErrors errors)
    {
        var name = errors.Required("name", request.Name, NameLength);
        var channel = request.Channel?.Trim().ToLowerInvariant();
        if (channel is null || !Channels.Contains(channel))
        {
            errors.Add("channel", $"Expected one of {string.Join(", ", Channels)}.");
        }

        var subject = Template("subject", errors.Optional("subject", request.Subject, SubjectLength), errors);
        var body = Template("body", request.Body is { Length: > BodyLength } ? null : request.Body, errors);
        if (request.Body is { Length: > BodyLength })
        {
            errors.Add("body", $"At most {BodyLength} characters.");
        }

        var days = request.AttributionDays ?? DefaultAttributionDays;
        if (days is < 0 or > 365)
        {
            errors.Add("attributionDays", "From 0 to 365 days.");
        }

        var details = new CampaignDetails(
            name ?? "",
            channel ?? "",
            request.SegmentId,
            subject,
            body,
            Offer(request.Offer, errors),
            request.ScheduledAt?.ToUniversalTime(),
            MoneyField("budget", request.Budget, errors),
            MoneyField("cost", request.Cost, errors),
            days);
        return errors.IsEmpty ? details : null;
    }

    private static string? Template(string field, string? template, FieldErrors errors)
    {
        if (template is null)
        {
            return null;
        }

        foreach (var unknown in Placeholder().Matches(template).Select(m => m.Groups[1].Value).Where(f => !Fields.Contains(f)).Distinct())
        {
            errors.Add(field, $"{{{{{unknown}}}}} is not a personalisation field; the fields are {string.Join(", ", Fields)}.");
        }

        return template;
    }

    private static CampaignOffer? Offer(OfferRequest? offer, FieldErrors errors)
    {
        if (offer is null)
        {
            return null;
        }

        if ((offer.DiscountPercent is null) == (offer.DiscountAmount is null))
        {
            errors.Add("offer", "An offer has either discountPercent or discountAmount.");
        }

        if (offer.DiscountPercent is { } percent && percent is <= 0 or > 100)
        {
            errors.Add("offer.discountPercent", "Above 0 and at most 100.");
        }

        var amount = MoneyField("offer.discountAmount", offer.DiscountAmount, errors);
        if (amount is not null && decimal.Parse(amount.Amount, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            errors.Add("offer.discountAmount", "A discount is above zero.");
        }

        if (offer.ValidFrom is { } from && offer.ValidUntil is { } until && until <= from)
        {
            errors.Add("offer.validUntil", "Must be after validFrom.");
        }

        var kind = offer.CodeKind?.Trim().ToLowerInvariant() ?? "shared";
        if (!CodeKinds.Contains(kind))
        {
            errors.Add("offer.codeKind", $"Expected one of {string.Join(", ", CodeKinds)}.");
        }

        var code = offer.SharedCode?.Trim().ToUpperInvariant();
        if (kind == "shared" && (code is null || code.Length is < 3 or > 32 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            errors.Add("offer.sharedCode", "A shared offer needs a code of 3 to 32 letters, digits and hyphens.");
        }
        else if (kind == "unique" && code is not null)
        {
            errors.Add("offer.sharedCode", "A unique offer issues a code per recipient at launch; it has no shared code.");
        }

        return new CampaignOffer(
            offer.DiscountPercent, amount, errors.Optional("offer.terms", offer.Terms, TermsLength),
            offer.ValidFrom?.ToUniversalTime(), offer.ValidUntil?.ToUniversalTime(), kind, kind == "shared" ? code : null);
    }

    private static Money? MoneyField(string field, Money? money, FieldErrors errors)
    {
        if (money is null)
        {
            return null;
        }

        var currency = Currencies.Validate(field + ".currency", money.Currency, errors);
        if (!decimal.TryParse(money.Amount, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var amount))
        {
            errors.Add(field + ".amount", "Expected a non-negative decimal string such as \"12.50\".");
            return null;
        }

        return currency is null ? null : Money.Of(Currencies.Round(amount, currency), currency);
    }
}
