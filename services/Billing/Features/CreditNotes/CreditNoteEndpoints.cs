using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Billing.Features.Payments;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.CreditNotes;

/// <summary>A credit note to issue against an invoice: its lines, or none to credit everything the invoice still asks for.</summary>
public sealed record CreateCreditNoteRequest(Guid? Id, Guid? InvoiceId, string? Reason, IReadOnlyList<InvoiceLineRequest>? Lines);

/// <summary>
/// A credit note as the API shows it: <see cref="Allocations"/> are where its total went (its invoice first, then invoices
/// issued later that took its credit), <see cref="Unapplied"/> the account credit it still holds.
/// </summary>
public sealed record CreditNoteResponse(
    Guid Id, string Number, Guid InvoiceId, string InvoiceNumber, Guid BillingAccountId, Guid PersonId, string Currency,
    IReadOnlyList<InvoiceLineResponse> Lines, Money NetTotal, Money TaxTotal, Money Total, IReadOnlyList<AllocationResponse> Allocations, Money Unapplied,
    string Reason, DateOnly IssuedOn, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static CreditNoteResponse From(CreditNote note)
    {
        Money Of(decimal amount) => Money.Of(amount, note.Currency);
        return new(
            note.Id, note.Number, note.InvoiceId, note.InvoiceNumber, note.BillingAccountId, note.PersonId, note.Currency,
            [.. note.Lines.Select(l => InvoiceLineResponse.From(l, note.Currency))], Of(note.NetTotal), Of(note.TaxTotal), Of(note.Total),
            [.. note.Allocations.Select(a => new AllocationResponse(a.InvoiceId, a.InvoiceNumber, Of(a.Amount)))], Of(note.Unapplied),
            note.Reason, note.IssuedOn, note.CreatedAt, note.UpdatedAt, note.Version);
    }
}

public static class CreditNoteEndpoints
{
    private const string Resource = "credit note";

    public static RouteGroupBuilder MapCreditNotes(this IEndpointRouteBuilder app)
    {
        var notes = app.MapGroup("/api/v1/credit-notes").WithTags("Credit notes");

        notes.MapPost("/", Create)
            .RequireScope(Scopes.Write("billing"))
            .WithName("IssueCreditNote")
            .WithSummary("Issue a credit note against an invoice")
            .WithDescription(
                "Issued at once with the next number of the CN series (gapless per tenant). With lines (as on invoices) it credits their total; "
                + "without, it credits the invoice's lines in full, which only an invoice no credit note was issued against allows. "
                + "It first takes off what the invoice still owes; what it credits beyond that (the invoice was paid) is account credit (unapplied), "
                + "which the account's next issued invoices take. A credit above the invoice's total less earlier credit notes, or against a draft or void invoice, "
                + "is a 422. Publishes CreditNoteIssued, and InvoicePaid when it settles the invoice.")
            .Accepts<CreateCreditNoteRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        notes.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("billing"))
            .WithName("GetCreditNote")
            .WithSummary("Get a credit note, as JSON or as a printable HTML document")
            .WithDescription(
                "The credit note with its lines, totals, allocations and unapplied credit; with Accept: text/html (preferred over JSON) a printable "
                + "HTML page of it, addressed as the credited invoice was.")
            .Produces<CreditNoteResponse>(StatusCodes.Status200OK, "application/json", "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);

        notes.MapGet("/", List)
            .RequireScope(Scopes.Read("billing"))
            .WithName("ListCreditNotes")
            .WithSummary("List credit notes")
            .WithDescription("Credit notes in creation order, a page at a time; filter by ?invoiceId= or ?billingAccountId=.")
            .ProducesValidationProblem();

        return notes;
    }

    private static async Task<Results<Created<CreditNoteResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateCreditNoteRequest request, BillingDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var reason = errors.Required("reason", request.Reason, InvoiceRequests.ReasonLength);
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        if (request.InvoiceId is null)
        {
            errors.Add("invoiceId", "This field is required.");
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var invoice = await CreditNoteIssuing.LockInvoiceAsync(db, request.InvoiceId!.Value, cancellationToken);
        if (invoice is null)
        {
            errors.Add("invoiceId", "No invoice with this id.");
            return ApiProblems.Invalid(errors);
        }

        if (!invoice.IsOpen && invoice.Status != InvoiceStatus.Paid)
        {
            return ApiProblems.Unprocessable("Only an issued invoice can be credited.", $"Invoice {invoice.Id} is {Platform.Data.WireNames<InvoiceStatus>.Of(invoice.Status)}.");
        }

        var earlier = await CreditNoteIssuing.EarlierAsync(db, invoice, cancellationToken);
        List<InvoiceLine> lines;
        if (request.Lines is null)
        {
            if (earlier.Count > 0)
            {
                return ApiProblems.Unprocessable("The invoice was credited in part.", "Name the lines to credit.");
            }

            lines = [.. invoice.Lines];
        }
        else
        {
            lines = await InvoiceRequests.LinesAsync(db, request.Lines, invoice.Currency, errors, cancellationToken);
            if (!errors.IsEmpty)
            {
                return ApiProblems.Invalid(errors);
            }
        }

        var total = DocumentTotals.Of(lines).Total;
        var creditable = invoice.Total - earlier.Sum(n => n.Total);
        if (total > creditable)
        {
            return ApiProblems.Unprocessable(
                "More than is left to credit on the invoice.",
                $"The credit note's total {Money.Of(total, invoice.Currency).Amount} exceeds the {Money.Of(creditable, invoice.Currency).Amount} of invoice {invoice.Number} not credited yet.");
        }

        var note = await CreditNoteIssuing.IssueAsync(db, invoice, request.Id ?? Ids.New(), lines, reason!, time.GetUtcNow(), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"Another credit note already has the id {note.Id}.");
        }

        return TypedResults.Created($"/api/v1/credit-notes/{note.Id}", CreditNoteResponse.From(note));
    }

    private static async Task<Results<Ok<CreditNoteResponse>, ContentHttpResult, ProblemHttpResult>> Get(
        Guid id, BillingDb db, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var note = await db.CreditNotes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (note is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        response.Headers.Vary = "Accept";
        ETags.Write(response, note.Version);
        if (!PrintedDocument.PrefersHtml(request))
        {
            return TypedResults.Ok(CreditNoteResponse.From(note));
        }

        var billTo = await db.Invoices.AsNoTracking().Where(i => i.Id == note.InvoiceId).Select(i => i.BillTo).FirstOrDefaultAsync(cancellationToken);
        return TypedResults.Content(PrintedDocument.Of(note, billTo).Render(), "text/html; charset=utf-8");
    }

    private static async Task<Results<Ok<Page<CreditNoteResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, Guid? invoiceId, Guid? billingAccountId, BillingDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        var notes = db.CreditNotes.AsNoTracking();
        if (invoiceId is { } invoice)
        {
            notes = notes.Where(n => n.InvoiceId == invoice);
        }

        if (billingAccountId is { } account)
        {
            notes = notes.Where(n => n.BillingAccountId == account);
        }

        return TypedResults.Ok(await page.ReadAsync(notes, CreditNoteResponse.From, cancellationToken));
    }
}
