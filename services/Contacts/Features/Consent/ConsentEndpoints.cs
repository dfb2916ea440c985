using System.Security.Claims;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CrmCloud.Contacts.Features.Consent;

public static class ConsentEndpoints
{
    private const string Resource = "person";

    public static RouteGroupBuilder MapConsents(this IEndpointRouteBuilder app)
    {
        var consents = app.MapGroup("/api/v1/people/{id:guid}/consents").WithTags("Consent");

        consents.MapGet("/", List)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ListPersonConsents")
            .WithSummary("Get a person's current consent per channel")
            .WithDescription(
                "One item per channel (email, sms, phone) in that order, for the channels a consent was ever recorded for: "
                + "a channel never set is absent, and means no consent is known. status is opted-in or opted-out; "
                + "changedAt is when the person gave or withdrew it, changedBy the caller who recorded it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        consents.MapPut("/{channel}", Set)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("SetPersonConsent")
            .WithSummary("Record a person's consent on a channel")
            .WithDescription(
                "Sets the consent on channel email, sms or phone (any other channel is a 404 problem). status is opted-in or opted-out; "
                + "source (required, at most 100 characters) says where it came from, such as web-form, import, api or manual; "
                + "lawfulBasis is consent, contract, legitimate-interest or legal-obligation, required when opting in. "
                + "changedAt defaults to now and may be earlier, but not in the future nor before the channel's current changedAt. "
                + "A change is kept in the history and publishes ConsentChanged; restating the current status, source and lawfulBasis "
                + "changes nothing (not even changedAt). If-Match with the consent's ETag guards against lost updates (412).")
            .Accepts<SetConsentRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        consents.MapGet("/history", History)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ListPersonConsentChanges")
            .WithSummary("List every change of a person's consents")
            .WithDescription(
                "Every recorded change, oldest first in the order recorded (id order), a page at a time: pass nextCursor back as cursor. "
                + "?channel= (email, sms, phone) keeps one channel's changes. changedBy is the sub of the caller who recorded the change, "
                + "recordedAt when it was recorded; changedAt may be earlier for changes imported later.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return consents;
    }

    private static async Task<Results<Ok<ConsentsResponse>, ProblemHttpResult>> List(Guid id, ContactsDb db, CancellationToken cancellationToken)
    {
        if (!await db.People.AnyAsync(p => p.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound(Resource, id);
        }

        var consents = await db.Consents.AsNoTracking().Where(c => c.PersonId == id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ConsentsResponse([.. consents.OrderBy(c => c.Channel).Select(ConsentResponse.From)]));
    }

    private static async Task<Results<Ok<ConsentResponse>, ValidationProblem, ProblemHttpResult>> Set(
        Guid id, string channel, SetConsentRequest body, ContactsDb db, TimeProvider time, ClaimsPrincipal user,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        if (ConsentRequests.Channel(channel) is not { } named)
        {
            return UnknownChannel(channel);
        }

        if (!await db.People.AnyAsync(p => p.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound(Resource, id);
        }

        var consent = await db.Consents.FirstOrDefaultAsync(c => c.PersonId == id && c.Channel == named, cancellationToken);
        if (consent is not null && !ETags.Matches(request, consent.Version))
        {
            return ApiProblems.PreconditionFailed("consent");
        }

        var now = Timestamps.Stored(time.GetUtcNow());
        var errors = new FieldErrors();
        if (body.Validate(now, errors) is not var (terms, changedAt))
        {
            return ApiProblems.Invalid(errors);
        }

        var changedBy = user.FindFirstValue(CrmClaims.Subject);
        if (consent is null)
        {
            consent = PersonConsent.Create(db.Tenant.TenantId, id, named, terms, changedAt, changedBy, now);
            db.Consents.Add(consent);
        }
        else if (!terms.Equals(consent.Details))
        {
            consent.RequireNotBefore(changedAt, errors);
            if (!errors.IsEmpty)
            {
                return ApiProblems.Invalid(errors);
            }

            consent.Record(terms, changedAt, changedBy, now);
        }
        else
        {
            ETags.Write(response, consent.Version);
            return TypedResults.Ok(ConsentResponse.From(consent));
        }

        db.ConsentChanges.Add(consent.History());
        db.Publish(consent.Changed());
        try
        {
            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                return ApiProblems.PreconditionFailed("consent");
            }
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            // Another request recorded this channel's first consent in the same instant.
            return ApiProblems.PreconditionFailed("consent");
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
        {
            // The person was deleted in the same instant.
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, consent.Version);
        return TypedResults.Ok(ConsentResponse.From(consent));
    }

    private static async Task<Results<Ok<Page<ConsentChangeResponse>>, ValidationProblem, ProblemHttpResult>> History(
        Guid id, [AsParameters] PageQuery page, string? channel, ContactsDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var named = ConsentRequests.Channel(channel);
        if (channel is not null && named is null)
        {
            errors["channel"] = [$"The channel must be one of {ConsentRequests.ChannelNames}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await db.People.AnyAsync(p => p.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound(Resource, id);
        }

        var changes = db.ConsentChanges.AsNoTracking().Where(c => c.PersonId == id);
        if (named is { } only)
        {
            changes = changes.Where(c => c.Channel == only);
        }

        return TypedResults.Ok(await page.ReadAsync(changes, ConsentChangeResponse.From, cancellationToken));
    }

    private static ProblemHttpResult UnknownChannel(string channel) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "The consent channel was not found.",
            detail: $"There is no consent channel '{channel}'; the channels are {ConsentRequests.ChannelNames}.");
}
