using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Billing.Features.Invoices;

public static class InvoiceEndpoints
{
    private const string Resource = "invoice";

    public static RouteGroupBuilder MapInvoices(this IEndpointRouteBuilder app)
    {
        var invoices = app.MapGroup("/api/v1/invoices").WithTags("Invoices");

        invoices.MapPost("/", Create)
            .RequireScope(Scopes.Write("billing"))
            .WithName("CreateInvoice")
            .WithSummary("Create a draft invoice (or issue it at once)")
            .WithDescription(
                "A draft for a billing account with lines (description, quantity, unitPrice, discount as decimal strings, taxRateId). "
                + "Each line's net and tax are rounded half-even to the currency's minor unit, and the totals are their sums. "
                + "currency defaults to the account's, series to INV; issue: true issues it in the same call.")
            .Accepts<CreateInvoiceRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        invoices.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("billing"))
            .WithName("GetInvoice")
            .WithSummary("Get an invoice, as JSON or as a printable HTML document")
            .WithDescription("The invoice with its ETag; with Accept: text/html (preferred over JSON) a printable HTML page of it.")
            .Produces<InvoiceResponse>(StatusCodes.Status200OK, "application/json", "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);

        invoices.MapGet("/", List)
            .RequireScope(Scopes.Read("billing"))
            .WithName("ListInvoices")
            .WithSummary("List invoices")
            .WithDescription("Invoices in creation order, a page at a time; filter by ?status=, ?billingAccountId=, ?personId=, ?orderId=, ?subscriptionId=.")
            .ProducesValidationProblem();

        invoices.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("billing"))
            .WithName("UpdateInvoice")
            .WithSummary("Change a draft invoice's lines or memo (JSON merge patch)")
            .WithDescription("Only a draft changes: an issued invoice is immutable (409), corrected by a credit note. lines replaces all lines. If-Match guards against lost updates (412).")
            .Accepts<CreateInvoiceRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        invoices.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("billing"))
            .WithName("DeleteInvoice")
            .WithSummary("Delete a draft invoice (removed permanently)")
            .WithDescription("Only a draft, which has no number yet, can be deleted; an issued invoice is voided instead (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        invoices.MapPost("/{id:guid}/issue", Issue)
            .RequireScope(Scopes.Write("billing"))
            .WithName("IssueInvoice")
            .WithSummary("Issue a draft invoice")
            .WithDescription(
                "Gives the draft the next number of its series (gapless and strictly increasing per tenant, also under concurrent issuing), "
                + "today's date as issue date, the due date from the account's payment terms, and freezes the addressee; publishes InvoiceIssued. "
                + "The account's credit in the invoice's currency (overpayments, credit notes' unapplied credit) is applied at once, oldest first, "
                + "recorded as allocations on the payments and credit notes it came from, so the invoice may come back partially-paid or paid. "
                + "An invoice that is not a draft is a 409.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        invoices.MapPost("/{id:guid}/void", Void)
            .RequireScope(Scopes.Write("billing"))
            .WithName("VoidInvoice")
            .WithSummary("Void an issued invoice with a reason")
            .WithDescription("The invoice keeps its number and is no longer due. One with payments or credit notes applied, a draft or a void one is a 409.")
            .Accepts<VoidInvoiceRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return invoices;
    }

    private static async Task<Results<Created<InvoiceResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateInvoiceRequest request, BillingDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        var account = request.BillingAccountId is { } accountId
            ? await db.BillingAccounts.FirstOrDefaultAsync(a => a.Id == accountId && !a.IsDeleted, cancellationToken)
            : null;
        if (account is null)
        {
            errors.Add("billingAccountId", request.BillingAccountId is null ? "This field is required." : "No billing account with this id.");
        }

        var currency = request.Currency is null ? account?.Terms.Currency : Currencies.Validate("currency", request.Currency, errors);
        var series = InvoiceRequests.Series(errors, request.Series);
        var memo = errors.Optional("memo", request.Memo, InvoiceRequests.MemoLength);
        var lines = await InvoiceRequests.LinesAsync(db, request.Lines, currency, errors, cancellationToken);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var invoice = Invoice.Draft(
            db.Tenant.TenantId, request.Id ?? Ids.New(), new InvoiceSource(account!.Id, account.PersonId, null), series!, currency!, lines, memo, now);
        db.Invoices.Add(invoice);
        try
        {
            if (request.Issue == true)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await InvoiceIssuing.IssueAsync(db, invoice, account, now, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"Another invoice already has the id {invoice.Id}.");
        }

        ETags.Write(response, invoice.Version);
        return TypedResults.Created($"/api/v1/invoices/{invoice.Id}", InvoiceResponse.From(invoice));
    }

    private static async Task<Results<Ok<InvoiceResponse>, ContentHttpResult, ProblemHttpResult>> Get(
        Guid id, BillingDb db, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (invoice is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        response.Headers.Vary = "Accept";
        ETags.Write(response, invoice.Version);
        return PrintedDocument.PrefersHtml(request)
            ? TypedResults.Content(PrintedDocument.Of(invoice).Render(), "text/html; charset=utf-8")
            : TypedResults.Ok(InvoiceResponse.From(invoice));
    }

    private static async Task<Results<Ok<Page<InvoiceResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, string? status, Guid? billingAccountId, Guid? personId, Guid? orderId, Guid? subscriptionId,
        BillingDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        InvoiceStatus? wanted = null;
        if (status is not null)
        {
            if (WireNames<InvoiceStatus>.TryParse(status, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors["status"] = [$"One of {string.Join(", ", WireNames<InvoiceStatus>.All)}."];
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var invoices = db.Invoices.AsNoTracking();
        if (wanted is { } s)
        {
            invoices = invoices.Where(i => i.Status == s);
        }

        if (billingAccountId is { } account)
        {
            invoices = invoices.Where(i => i.BillingAccountId == account);
        }

        if (personId is { } person)
        {
            invoices = invoices.Where(i => i.PersonId == person);
        }

        if (orderId is { } order)
        {
            invoices = invoices.Where(i => i.OrderId == order);
        }

        if (subscriptionId is { } subscription)
        {
            invoices = invoices.Where(i => i.SubscriptionId == subscription);
        }

        return TypedResults.Ok(await page.ReadAsync(invoices, InvoiceResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<InvoiceResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, BillingDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Invoices.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } invoice)
        {
            return loaded.Problem!;
        }

        if (invoice.Status != InvoiceStatus.Draft)
        {
            return Immutable(invoice);
        }

        var errors = new FieldErrors();
        var (lines, memo) = await invoice.ApplyPatchAsync(patch, json.Value.SerializerOptions, db, errors, cancellationToken);
        if (lines is null)
        {
            return ApiProblems.Invalid(errors);
        }

        if (invoice.Revise(lines, memo, time.GetUtcNow()) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, invoice.Version);
        return TypedResults.Ok(InvoiceResponse.From(invoice));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, BillingDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Invoices.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } invoice)
        {
            return loaded.Problem!;
        }

        if (invoice.Status != InvoiceStatus.Draft)
        {
            return ApiProblems.Conflict("Only a draft can be deleted.", $"Invoice {invoice.Number} is issued; void it instead.");
        }

        db.Invoices.Remove(invoice);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }

    private static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> Issue(
        Guid id, BillingDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Invoices.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } invoice)
        {
            return loaded.Problem!;
        }

        if (invoice.Status != InvoiceStatus.Draft)
        {
            return ApiProblems.Conflict("The invoice is issued already.", $"Invoice {id} has the number {invoice.Number}.");
        }

        if (await InvoiceIssuing.AccountOfAsync(db, invoice, cancellationToken) is not { IsDeleted: false } account)
        {
            return ApiProblems.Conflict("The billing account is gone.", $"The account of invoice {id} was deleted in contacts; the draft cannot be issued.");
        }

        if (!await InvoiceIssuing.TryIssueAsync(db, invoice, account, time.GetUtcNow(), cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, invoice.Version);
        return TypedResults.Ok(InvoiceResponse.From(invoice));
    }

    private static async Task<Results<Ok<InvoiceResponse>, ValidationProblem, ProblemHttpResult>> Void(
        Guid id, VoidInvoiceRequest body, BillingDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var reason = errors.Required("reason", body.Reason, InvoiceRequests.ReasonLength);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var loaded = await db.Invoices.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } invoice)
        {
            return loaded.Problem!;
        }

        if (invoice.CannotVoid() is { } why)
        {
            return ApiProblems.Conflict("The invoice cannot be voided.", why);
        }

        invoice.Void(reason!, time.GetUtcNow());
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, invoice.Version);
        return TypedResults.Ok(InvoiceResponse.From(invoice));
    }

    private static ProblemHttpResult Immutable(Invoice invoice) =>
        ApiProblems.Conflict("An issued invoice is immutable.", $"Invoice {invoice.Number} is {WireNames<InvoiceStatus>.Of(invoice.Status)}; correct it with a credit note.");
}
