using System.Net;
using System.Text.RegularExpressions;
using CrmCloud.Campaign.Features.Delivery;
using CrmCloud.Campaign.Features.Responses;
using CrmCloud.Contracts.Campaign;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign.Features.Tracking;

/// <summary>
/// The links a recipient follows from a campaign message, reached without credentials through the gateway: the
/// recipient's random token names the recipient and so the tenant. Each records its response once.
/// </summary>
public static partial class TrackingEndpoints
{
    /// <summary>A transparent 1×1 GIF.</summary>
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static RouteGroupBuilder MapTracking(this IEndpointRouteBuilder app)
    {
        var tracking = app.MapGroup("/api/v1/tracking").WithTags("Tracking").AllowAnonymous();

        tracking.MapGet("/open/{token}", Open)
            .WithName("TrackOpen")
            .WithSummary("Tracking pixel: the recipient opened the message")
            .WithDescription("Answers a transparent 1×1 GIF (never cached) and records the response opened once per recipient; an unknown token is a 404 problem.")
            .Produces(StatusCodes.Status200OK, contentType: "image/gif")
            .ProducesProblem(StatusCodes.Status404NotFound);

        tracking.MapGet("/click/{token}", Click)
            .WithName("TrackClick")
            .WithSummary("Tracked link: the recipient clicked a link of the message")
            .WithDescription(
                "Redirects (302) to url, which must be one of the links in the campaign's body (anything else is a 400 problem naming url, "
                + "so the route is no open redirect), and records clicked (and opened, since a click shows the message was read) once per recipient.")
            .Produces(StatusCodes.Status302Found)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        tracking.MapGet("/unsubscribe/{token}", ConfirmUnsubscribe)
            .WithName("ShowUnsubscribe")
            .WithSummary("Unsubscribe page")
            .WithDescription("A tiny HTML page with one button that unsubscribes; opening it changes nothing (mail scanners follow links).")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);

        tracking.MapPost("/unsubscribe/{token}", Unsubscribe)
            .WithName("Unsubscribe")
            .WithSummary("One-click unsubscribe (RFC 8058)")
            .WithDescription(
                "The target of the List-Unsubscribe header and of the page's button: records unsubscribed once per recipient and publishes "
                + "UnsubscribeRequested, on which contacts withdraws the person's consent for the campaign's channel. Repeating it changes nothing more.")
            .DisableAntiforgery()
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return tracking;
    }

    /// <summary>The absolute http(s) links of a body template, as a click may name them.</summary>
    public static IReadOnlySet<string> LinksOf(string? body) =>
        body is null ? new HashSet<string>() : Link().Matches(body).Select(m => WebUtility.HtmlDecode(m.Value)).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The body with each absolute http(s) link replaced by <paramref name="tracked"/>'s link for it: links are found and
    /// compared as <see cref="LinksOf"/> finds them, so every rewritten link passes the click route's check.
    /// </summary>
    public static string TrackLinks(string body, Func<string, string> tracked) =>
        Link().Replace(body, m => WebUtility.HtmlEncode(tracked(WebUtility.HtmlDecode(m.Value))));

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Open(string token, CampaignDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await RecipientAsync(db, token, cancellationToken) is not { } recipient)
        {
            return UnknownToken();
        }

        await RecordAsync(db, recipient, ["opened"], null, time.GetUtcNow(), cancellationToken);
        response.Headers.CacheControl = "no-store, no-cache, must-revalidate, max-age=0";
        return TypedResults.File(Pixel, "image/gif");
    }

    private static async Task<Results<RedirectHttpResult, ValidationProblem, ProblemHttpResult>> Click(
        string token, string? url, CampaignDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await RecipientAsync(db, token, cancellationToken) is not { } recipient)
        {
            return UnknownToken();
        }

        var body = (await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == recipient.CampaignId, cancellationToken)).Details.Body;
        if (string.IsNullOrEmpty(url) || !LinksOf(body).Contains(url))
        {
            return Platform.Api.ApiProblems.Invalid(new Dictionary<string, string[]> { ["url"] = ["The url is not a link of this campaign's message."] });
        }

        await RecordAsync(db, recipient, ["opened", "clicked"], null, time.GetUtcNow(), cancellationToken);
        return TypedResults.Redirect(url);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ConfirmUnsubscribe(string token, CampaignDb db, CancellationToken cancellationToken)
    {
        if (await RecipientAsync(db, token, cancellationToken) is null)
        {
            return UnknownToken();
        }

        var action = WebUtility.HtmlEncode(Uri.EscapeDataString(token));
        return Page(
            "Unsubscribe",
            $"""<form method="post" action="{action}"><p>Stop receiving these messages?</p><button type="submit">Unsubscribe</button></form>""");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Unsubscribe(string token, CampaignDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await RecipientAsync(db, token, cancellationToken) is not { } recipient)
        {
            return UnknownToken();
        }

        var channel = (await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == recipient.CampaignId, cancellationToken)).Details.Channel;
        var now = time.GetUtcNow();
        await RecordAsync(db, recipient, ["unsubscribed"], new UnsubscribeRequested(recipient.TenantId, recipient.CampaignId, recipient.PersonId, channel, now), now, cancellationToken);
        return Page("Unsubscribed", "<p>You are unsubscribed. You will not receive these messages any more.</p>");
    }

    /// <summary>Records the responses and, when the first of them is new, publishes <paramref name="withFirst"/> with it, in one transaction.</summary>
    private static async Task RecordAsync(CampaignDb db, CampaignRecipient recipient, string[] kinds, UnsubscribeRequested? withFirst, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var first = true;
        foreach (var kind in kinds)
        {
            var recorded = await RecipientResponses.RecordAsync(db, recipient, kind, now, cancellationToken);
            if (first && recorded && withFirst is not null)
            {
                db.Publish(withFirst);
            }

            first = false;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Finds the token's recipient across tenants, then acts for the recipient's tenant.</summary>
    private static async Task<CampaignRecipient?> RecipientAsync(CampaignDb db, string token, CancellationToken cancellationToken)
    {
        if (token.Length != 64)
        {
            return null;
        }

        var tenant = await db.Database.SqlQuery<string>($"SELECT tenant_id AS \"Value\" FROM campaign_recipients WHERE token = {token}").FirstOrDefaultAsync(cancellationToken);
        if (tenant is null)
        {
            return null;
        }

        db.Tenant.Use(tenant);
        return await db.Recipients.AsNoTracking().FirstOrDefaultAsync(r => r.Token == token, cancellationToken);
    }

    private static ContentHttpResult Page(string title, string body) =>
        TypedResults.Content(
            $"""<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>""",
            "text/html; charset=utf-8");

    private static ProblemHttpResult UnknownToken() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The link was not found.", detail: "The link is not, or no longer, valid.");

    [GeneratedRegex("""https?://[^\s"'<>]+""")]
    private static partial Regex Link();
}
