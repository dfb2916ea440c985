using System.Globalization;
using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Leads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.LeadForms;

/// <summary>What the capture endpoint answers a submission it took, whether it stored a lead or not: a bot learns nothing.</summary>
public sealed record CaptureReceipt(string Status);

/// <summary>
/// The public endpoint a tenant's web form posts to, authenticated by the form's key alone. Spam meets a rate limit
/// per form, a honeypot field and duplicate suppression.
/// </summary>
public static class LeadCapture
{
    /// <summary>The honeypot: a field hidden from people, which only a bot fills in.</summary>
    public const string HoneypotField = "website";

    /// <summary>A second submission of the same email through the same form within this time is the same lead.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromHours(24);

    private static readonly CaptureReceipt Received = new("received");

    public static RouteHandlerBuilder MapLeadCapture(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/lead-capture/{formKey}", Capture)
            .AllowAnonymous()
            .WithTags("Lead forms")
            .WithName("CaptureLead")
            .WithSummary("Capture a lead from a web form (public, authenticated by the form's key)")
            .WithDescription(
                "Takes a submission as JSON (an object of strings) or application/x-www-form-urlencoded, with the fields the form allows "
                + "(email required; others are ignored), and answers 202 once it is taken. The lead has source web-form, the form's campaign "
                + "and default owner, and LeadCreated is published. A submission with the hidden field 'website' filled in is answered the same "
                + "and stored nowhere; the same email through the same form within 24 hours is the lead already captured, not a second one. "
                + "Each form takes at most its rateLimitPerMinute submissions a minute (429 with Retry-After after that). 404 for an unknown, "
                + "rotated or inactive key. A form posted by the browser itself (x-www-form-urlencoded) to a form with a redirectUrl is answered 302 "
                + "to that page instead of 202.")
            .Accepts<Dictionary<string, string>>("application/json", "application/x-www-form-urlencoded")
            .Produces<CaptureReceipt>(StatusCodes.Status202Accepted)
            .Produces(StatusCodes.Status302Found)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1862", Justification = "EF Core translates ToLower to lower(), which the email index compares.")]
    private static async Task<Results<Accepted<CaptureReceipt>, RedirectHttpResult, ValidationProblem, ProblemHttpResult>> Capture(
        string formKey, HttpRequest request, HttpResponse response, SalesDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var hash = LeadForm.HashOf(formKey);
        // The key alone names the tenant: the one query that looks across tenants, by a unique hash.
        var form = await db.LeadForms.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(f => f.KeyHash == hash, cancellationToken);
        if (form is null || !form.Details.Active || (db.Tenant.IsSet && db.Tenant.TenantId != form.TenantId))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "The lead form was not found.", detail: "No active lead form has this key; it may have been rotated.");
        }

        db.Tenant.Use(form.TenantId);
        var now = time.GetUtcNow();
        var window = CaptureWindows.Start(now);
        if (await CaptureWindows.CountAsync(db, form.Id, window, cancellationToken) > form.Details.RateLimitPerMinute)
        {
            var retryAfter = (int)Math.Max(1, Math.Ceiling((window + CaptureWindows.Length - now).TotalSeconds));
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many submissions.",
                detail: $"This form takes at most {form.Details.RateLimitPerMinute} submissions a minute; try again in {retryAfter} seconds.");
        }

        var errors = new FieldErrors();
        var fields = await ReadFieldsAsync(request, errors, cancellationToken);
        if (fields is null)
        {
            return errors.IsEmpty
                ? TypedResults.Problem(
                    statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "The body is not a form submission.",
                    detail: "Send application/json (an object of strings) or application/x-www-form-urlencoded.")
                : ApiProblems.Invalid(errors);
        }

        if (!string.IsNullOrWhiteSpace(fields.GetValueOrDefault(HoneypotField)))
        {
            return Taken(form, request);
        }

        string? Field(string name) => form.Details.AllowedFields.Contains(name) ? fields.GetValueOrDefault(name) : null;
        var email = Field("email");
        if (string.IsNullOrWhiteSpace(email))
        {
            errors.Add("email", "This field is required.");
        }

        var captured = new CreateLeadRequest(
            null, Field("firstName"), Field("lastName"), email, Field("phone"), Field("companyName"), Field("jobTitle"), Field("message"),
            WireNames<LeadSource>.Of(LeadSource.WebForm), form.Details.CampaignId, null, null, null, form.Details.DefaultOwnerId);
        if (captured.Validate(null, errors) is not { } details || !errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var lowered = details.Email!.ToLowerInvariant();
        // Two submissions of one email racing each other: the second waits here, then finds the first.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({form.Id + "|" + lowered}, 0))", cancellationToken);
        var since = now - DuplicateWindow;
        if (!await db.Leads.AnyAsync(l => l.Details.Email!.ToLower() == lowered && l.FormId == form.Id && l.CreatedAt >= since, cancellationToken))
        {
            var lead = Lead.Create(form.TenantId, Ids.New(), details, form.Id, now);
            db.Leads.Add(lead);
            db.Publish(lead.Created());
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return Taken(form, request);
    }

    /// <summary>A browser that posted the form itself goes on to the site's thank-you page; a script gets the receipt.</summary>
    private static Results<Accepted<CaptureReceipt>, RedirectHttpResult, ValidationProblem, ProblemHttpResult> Taken(LeadForm form, HttpRequest request) =>
        form.Details.RedirectUrl is { } redirect && request.HasFormContentType
            ? TypedResults.Redirect(redirect)
            : TypedResults.Accepted((string?)null, Received);

    /// <summary>The submitted fields by name; null with no errors for a body of another media type, null with errors for a malformed one.</summary>
    private static async Task<Dictionary<string, string?>?> ReadFieldsAsync(HttpRequest request, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return form.ToDictionary(field => field.Key, field => (string?)field.Value.ToString(), StringComparer.Ordinal);
        }

        if (!request.HasJsonContentType())
        {
            return null;
        }

        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("body", "A submission is a JSON object of field names and strings.");
                return null;
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var field in body.RootElement.EnumerateObject())
            {
                fields[field.Name] = field.Value.ValueKind switch
                {
                    JsonValueKind.String => field.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => field.Value.GetRawText(),
                };
            }

            return fields;
        }
        catch (JsonException)
        {
            errors.Add("body", "The body is not valid JSON.");
            return null;
        }
    }
}

/// <summary>
/// Fixed one-minute windows of submissions per form, counted in PostgreSQL with one upsert, so every instance of the
/// service counts against the same limit.
/// </summary>
public static class CaptureWindows
{
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(1);

    public static DateTimeOffset Start(DateTimeOffset now) => new(now.UtcTicks - (now.UtcTicks % Length.Ticks), TimeSpan.Zero);

    /// <summary>Counts one submission in <paramref name="window"/> and returns how many it has now, this one included.</summary>
    public static async Task<int> CountAsync(SalesDb db, Guid formId, DateTimeOffset window, CancellationToken cancellationToken)
    {
        var counted = await db.Database.SqlQuery<int>(
            $"""
            INSERT INTO lead_capture_windows (form_id, window_start, count) VALUES ({formId}, {window}, 1)
            ON CONFLICT (form_id, window_start) DO UPDATE SET count = lead_capture_windows.count + 1
            RETURNING count AS "Value"
            """).ToListAsync(cancellationToken);
        if (counted[0] == 1)
        {
            // The first submission of a window clears the form's past ones, so the table stays as small as the number of forms.
            await db.Database.ExecuteSqlAsync($"DELETE FROM lead_capture_windows WHERE form_id = {formId} AND window_start < {window}", cancellationToken);
        }

        return counted[0];
    }
}
