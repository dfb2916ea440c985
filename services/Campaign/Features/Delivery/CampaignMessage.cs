using System.Net;
using CrmCloud.Campaign.Features.Campaigns;
using CrmCloud.Campaign.Features.Tracking;
using MimeKit;
using MimeKit.Text;

namespace CrmCloud.Campaign.Features.Delivery;

/// <summary>
/// A recipient's copy of a campaign email: the subject and body templates with the personalisation fields filled in,
/// every link of the body turned into a tracked redirect through the gateway, an open pixel, and the one-click
/// unsubscribe headers of RFC 8058. Its Message-ID is derived from campaign and recipient, so each copy has one name
/// whichever instance sends it.
/// </summary>
public static class CampaignMessage
{
    public static string MessageIdOf(Guid campaignId, Guid recipientId, string sender) =>
        $"{campaignId:N}.{recipientId:N}@{MailboxAddress.Parse(sender).Domain}";

    public static MimeMessage Compose(CampaignDetails campaign, CampaignRecipient recipient, string sender, Uri publicBaseUrl, DateTimeOffset now)
    {
        var links = new TrackingLinks(publicBaseUrl, recipient.Token);
        string? Field(string name) => name switch
        {
            "firstName" => recipient.FirstName,
            "lastName" => recipient.LastName,
            "email" => recipient.Email,
            "offerCode" => recipient.OfferCode,
            "campaignName" => campaign.Name,
            "unsubscribeUrl" => links.Unsubscribe,
            _ => null,
        };

        // Links are tracked in the template, before the fields are filled in: a click is checked against the template's
        // links, and the unsubscribe link is not a click.
        var body = TrackingEndpoints.TrackLinks(campaign.Body ?? "", links.Click);
        body = CampaignRequests.Placeholder().Replace(body, m => WebUtility.HtmlEncode(Field(m.Groups[1].Value) ?? ""));
        var subject = CampaignRequests.Placeholder().Replace(campaign.Subject ?? "", m => Field(m.Groups[1].Value) ?? "");

        var message = new MimeMessage
        {
            MessageId = MessageIdOf(recipient.CampaignId, recipient.Id, sender),
            Date = now,
            Subject = subject,
            Body = new TextPart(TextFormat.Html) { Text = WithPixel(body, links.Open) },
        };
        message.From.Add(MailboxAddress.Parse(sender));
        message.To.Add(new MailboxAddress($"{recipient.FirstName} {recipient.LastName}".Trim(), recipient.Email ?? ""));
        message.Headers.Add("List-Unsubscribe", $"<{links.Unsubscribe}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return message;
    }

    /// <summary>The body with a 1×1 image that records the open when a mail reader loads it, at the end of the body element if there is one.</summary>
    private static string WithPixel(string body, string pixel)
    {
        var image = $"""<img src="{WebUtility.HtmlEncode(pixel)}" width="1" height="1" alt="" style="display:block;border:0">""";
        var end = body.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        return end < 0 ? body + image : body.Insert(end, image);
    }
}
