using CrmCloud.Campaign.Features.Delivery;
using CrmCloud.Contracts.Campaign;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign.Features.Responses;

/// <summary>Records a recipient's response once per kind, publishing <see cref="CampaignResponseRecorded"/> with it (delivery stays internal).</summary>
public static class RecipientResponses
{
    public static readonly string[] Kinds = ["delivered", "opened", "clicked", "replied", "converted", "unsubscribed"];

    /// <summary>Adds the response to <paramref name="db"/>'s changes unless the recipient already has one of this kind.</summary>
    /// <returns>False when it was already recorded.</returns>
    public static async Task<bool> RecordAsync(CampaignDb db, CampaignRecipient recipient, string kind, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var id = Platform.Data.Ids.New();
        var inserted = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO campaign_responses (id, tenant_id, campaign_id, recipient_id, person_id, kind, occurred_at)
            VALUES ({id}, {recipient.TenantId}, {recipient.CampaignId}, {recipient.Id}, {recipient.PersonId}, {kind}, {at})
            ON CONFLICT (recipient_id, kind) DO NOTHING
            """,
            cancellationToken);
        if (inserted == 0)
        {
            return false;
        }

        if (kind != "delivered")
        {
            var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == recipient.CampaignId, cancellationToken);
            db.Publish(new CampaignResponseRecorded(recipient.TenantId, id, recipient.CampaignId, campaign.Details.Name, recipient.PersonId, null, kind, at));
        }

        return true;
    }
}
