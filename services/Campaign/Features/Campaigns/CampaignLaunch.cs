using CrmCloud.Campaign.Features.Segments;
using CrmCloud.Contracts.Campaign;
using CrmCloud.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Campaign.Features.Campaigns;

/// <summary>
/// Launching a campaign: in one transaction, with the campaign's row locked, its audience is copied from the segment
/// into <c>campaign_recipients</c> by one <c>INSERT … SELECT</c> (people without consent on the channel, or without an
/// address for it, left out and counted), the campaign moves on, and the launch and offer events go to the outbox.
/// A second launch finds the campaign no longer a draft.
/// </summary>
public static class CampaignLaunch
{
    public const int CodesPerEvent = 1000;

    public static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> LaunchAsync(
        CampaignDb db, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tenant = db.Tenant.TenantId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var campaign = await db.Campaigns.FromSql($"SELECT * FROM campaigns WHERE id = {id} AND tenant_id = {tenant} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);
        if (campaign is null)
        {
            return ApiProblems.NotFound("campaign", id);
        }

        if (campaign.Status != CampaignStatus.Draft)
        {
            return ApiProblems.Conflict(
                "The campaign was launched already.",
                $"Campaign {id} is {Platform.Data.WireNames<CampaignStatus>.Of(campaign.Status)}; a campaign is launched once.");
        }

        var details = campaign.Details;
        var segment = details.SegmentId is { } segmentId ? await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == segmentId, cancellationToken) : null;
        if (segment is null)
        {
            return Unlaunchable(id, "segmentId", "The campaign needs an existing segment to reach.");
        }

        if (details.Channel == "email" && (string.IsNullOrWhiteSpace(details.Subject) || string.IsNullOrWhiteSpace(details.Body)))
        {
            return Unlaunchable(id, "body", "An email campaign needs a subject and a body.");
        }

        var (condition, parameters) = segment.Condition(DateOnly.FromDateTime(now.UtcDateTime));
        var address = details.Channel == "email" ? "m.email" : "m.phone";
        var consent = $"EXISTS (SELECT 1 FROM audience_consents c WHERE c.tenant_id = m.tenant_id AND c.person_id = m.person_id AND c.channel = @channel AND c.opted_in)";
        var selected = $"FROM audience_members m WHERE m.tenant_id = @tenant AND NOT m.is_deleted AND {condition}";

        // Only SQL generated here is spliced in; every value is a parameter.
        var countSql = $"SELECT count(*) FILTER (WHERE NOT {consent}) AS without_consent, count(*) FILTER (WHERE {consent} AND {address} IS NULL) AS without_address {selected}";
        var counts = await db.Database
            .SqlQueryRaw<LaunchCounts>(countSql, [.. Fresh(parameters), .. Common(tenant, id, details)])
            .SingleAsync(cancellationToken);

        // Random 64-hex tokens and 12-character codes from gen_random_uuid(): nothing guessable goes into a link or a code.
        var code = details.Offer switch
        {
            { CodeKind: "unique" } => "upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 12))",
            { SharedCode: not null } => "@sharedCode",
            _ => "NULL",
        };
        var status = details.Channel == "email" ? "pending" : "listed";
        var insertSql = $"""
            INSERT INTO campaign_recipients (id, tenant_id, campaign_id, person_id, email, phone, first_name, last_name, token, offer_code, status)
            SELECT gen_random_uuid(), m.tenant_id, @campaign, m.person_id, m.email, m.phone, m.first_name, m.last_name,
                   replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), {code}, '{status}'
            {selected} AND {consent} AND {address} IS NOT NULL
            ON CONFLICT (campaign_id, person_id) DO NOTHING
            """;
        var audience = await db.Database.ExecuteSqlRawAsync(
            insertSql,
            [.. Fresh(parameters), .. Common(tenant, id, details)],
            cancellationToken);

        campaign.Launch(audience, (int)counts.WithoutConsent, (int)counts.WithoutAddress, now);
        db.Publish(new CampaignLaunched(tenant, id, details.Name, details.Channel, segment.Id, audience, (int)counts.WithoutConsent, now));
        if (details.Offer is { } offer)
        {
            db.Publish(OfferPublished(campaign, now));
            if (offer.CodeKind == "unique")
            {
                var codes = await db.Recipients.AsNoTracking().Where(r => r.CampaignId == id).OrderBy(r => r.Id)
                    .Select(r => new OfferCode(r.OfferCode!, r.PersonId)).ToListAsync(cancellationToken);
                foreach (var batch in codes.Chunk(CodesPerEvent))
                {
                    db.Publish(new CampaignOfferCodesIssued(tenant, id, batch, now));
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(CampaignResponse.From(campaign));
    }

    public static CampaignOfferPublished OfferPublished(MarketingCampaign campaign, DateTimeOffset now)
    {
        var offer = campaign.Details.Offer!;
        return new CampaignOfferPublished(
            campaign.TenantId,
            campaign.Id,
            campaign.Details.Name,
            campaign.OfferVersion,
            offer.CodeKind,
            offer.SharedCode,
            offer.DiscountPercent,
            offer.DiscountAmount is { } amount ? decimal.Parse(amount.Amount, System.Globalization.CultureInfo.InvariantCulture) : null,
            offer.DiscountAmount?.Currency,
            offer.Terms,
            offer.ValidFrom,
            offer.ValidUntil,
            campaign.Status == CampaignStatus.Cancelled,
            now);
    }

    private static IEnumerable<NpgsqlParameter> Fresh(IReadOnlyList<NpgsqlParameter> parameters) =>
        parameters.Select(p => new NpgsqlParameter(p.ParameterName, p.NpgsqlDbType) { Value = p.Value });

    private static NpgsqlParameter[] Common(string tenant, Guid campaignId, CampaignDetails details) =>
    [
        new("tenant", NpgsqlDbType.Text) { Value = tenant },
        new("campaign", NpgsqlDbType.Uuid) { Value = campaignId },
        new("channel", NpgsqlDbType.Text) { Value = details.Channel },
        new("sharedCode", NpgsqlDbType.Text) { Value = (object?)details.Offer?.SharedCode ?? DBNull.Value },
    ];

    private static ProblemHttpResult Unlaunchable(Guid id, string field, string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The campaign cannot be launched.",
            detail: $"Campaign {id}: {detail}",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });

    private sealed record LaunchCounts(long WithoutConsent, long WithoutAddress);
}
