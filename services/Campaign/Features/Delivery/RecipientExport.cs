using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign.Features.Delivery;

/// <summary>
/// A launched campaign's recipients as CSV: the list an sms or phone campaign is worked from (those channels are not
/// sent by the service), and for email who was sent what and how it went.
/// </summary>
public static class RecipientExport
{
    public static readonly IReadOnlyList<CsvColumn<CampaignRecipient>> Columns =
    [
        new("personId", r => r.PersonId.ToString()),
        new("firstName", r => r.FirstName),
        new("lastName", r => r.LastName),
        new("email", r => r.Email),
        new("phone", r => r.Phone),
        new("offerCode", r => r.OfferCode),
        new("status", r => r.Status),
        new("sentAt", r => r.SentAt is { } at ? CsvExport.Timestamp(at) : null),
        new("error", r => r.Error),
    ];

    public static RouteHandlerBuilder MapRecipientExport(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/campaigns/{id:guid}/recipients/export", Export)
            .WithTags("Campaigns")
            .RequireScope(Scopes.Read("campaign"))
            .WithName("ExportCampaignRecipients")
            .WithSummary("Export a campaign's recipients as CSV")
            .WithDescription(
                "The audience materialised at launch, one row per person (personId, firstName, lastName, email, phone, offerCode, status, sentAt, error), "
                + "as text/csv streamed row by row: the calling or texting list of an sms or phone campaign (status listed), the delivery record of an email "
                + "one. A draft has no recipients yet: just the header row. Cells starting with = + - or @ are prefixed with an apostrophe.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Export(Guid id, CampaignDb db, CancellationToken cancellationToken)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound("campaign", id);
        }

        var recipients = db.Recipients.AsNoTracking().Where(r => r.CampaignId == id).OrderBy(r => r.LastName).ThenBy(r => r.FirstName).ThenBy(r => r.Id);
        return CsvExport.Result(db.ReadInSnapshotAsync(recipients, null, cancellationToken), Columns, $"campaign-{id}-recipients.csv", cancellationToken);
    }
}
