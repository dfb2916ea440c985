using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Billing.Features.Numbering;
using CrmCloud.Contracts.Billing;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.CreditNotes;

/// <summary>A credit note to issue against an invoice: its lines, or none to credit everything the invoice still asks for.</summary>
public sealed record CreateCreditNoteRequest(Guid? Id, Guid? InvoiceId, string? Reason, IReadOnlyList<InvoiceLineRequest>? Lines);

public sealed record CreditNoteResponse(
    Guid Id, string Number, Guid InvoiceId, string InvoiceNumber, Guid BillingAccountId, Guid PersonId, string Currency,
    IReadOnlyList<InvoiceLineResponse> Lines, Money NetTotal, Money TaxTotal, Money Total, string Reason, DateOnly IssuedOn,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static CreditNoteResponse From(CreditNote note)
    {
        Money Of(decimal amount) => Money.Of(amount, note.Currency);
        return new(
            note.Id, note.Number, note.InvoiceId, note.InvoiceNumber, note.BillingAccountId, note.PersonId, note.Currency,
            [.. note.Lines.Select(l => new InvoiceLineResponse(
                l.Description, PricingFields.Trimmed(l.Quantity), Of(l.UnitPrice), Of(l.Discount), l.TaxRateId, l.TaxRateName, PricingFields.Trimmed(l.TaxRate), Of(l.NetAmount), Of(l.TaxAmount)))],
            Of(note.NetTotal), Of(note.TaxTotal), Of(note.Total), note.Reason, note.IssuedOn, note.CreatedAt, note.UpdatedAt, note.Version);
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
                + "without, it credits the invoice's lines in full, which only an invoice nothing was paid or credited on allows. "
                + "A credit above what the invoice still owes, or against a draft or void invoice, is a 422. Publishes CreditNoteIssued.")
            .Accepts<CreateCreditNoteRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        notes.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("billing"))
            .WithName("GetCreditNote")
            .WithSummary("Get a credit note")
            .WithDescription("The credit note with its lines and totals.")
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
        var tenant = db.Tenant.TenantId;
        // Locked, so a concurrent payment or credit note sees what this one takes off.
        var invoice = await db.Invoices
            .FromSql($"SELECT * FROM invoices WHERE tenant_id = {tenant} AND id = {request.InvoiceId!.Value} FOR UPDATE")
            .IgnoreQueryFilters()
            .FirstOrDefaultAsync(cancellationToken);
        if (invoice is null)
        {
            errors.Add("invoiceId", "No invoice with this id.");
            return ApiProblems.Invalid(errors);
        }

        if (!invoice.IsOpen && invoice.Status != InvoiceStatus.Paid)
        {
            return Unprocessable("Only an issued invoice can be credited.", $"Invoice {invoice.Id} is {Platform.Data.WireNames<InvoiceStatus>.Of(invoice.Status)}.");
        }

        List<InvoiceLine> lines;
        if (request.Lines is null)
        {
            if (invoice.PaidAmount != 0 || invoice.CreditedAmount != 0)
            {
                return Unprocessable("The invoice was paid or credited in part.", "Name the lines to credit.");
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
        if (total > invoice.Outstanding)
        {
            return Unprocessable(
                "More than the invoice still owes.",
                $"The credit note's total {Money.Of(total, invoice.Currency).Amount} exceeds the {Money.Of(invoice.Outstanding, invoice.Currency).Amount} invoice {invoice.Number} still owes.");
        }

        var now = time.GetUtcNow();
        var number = await DocumentCounter.NextAsync(db, CreditNote.Document, CreditNote.Series, cancellationToken);
        var note = CreditNote.Issue(tenant, request.Id ?? Ids.New(), invoice, number, lines, reason!, now);
        db.CreditNotes.Add(note);
        db.Publish(new CreditNoteIssued(
            tenant, note.Id, number, invoice.Id, invoice.Number!, invoice.PersonId, invoice.CompanyId, invoice.BillingAccountId,
            note.Total, note.TaxTotal, note.Currency, note.Reason, note.IssuedOn, now));
        if (invoice.ApplyCredit(note.Total, now))
        {
            db.Publish(new InvoicePaid(tenant, invoice.Id, invoice.Number!, invoice.PersonId, invoice.CompanyId, invoice.BillingAccountId, invoice.Total, invoice.Currency, note.IssuedOn, now));
        }

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

    private static async Task<Results<Ok<CreditNoteResponse>, ProblemHttpResult>> Get(Guid id, BillingDb db, CancellationToken cancellationToken)
    {
        var note = await db.CreditNotes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        return note is null ? ApiProblems.NotFound(Resource, id) : TypedResults.Ok(CreditNoteResponse.From(note));
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

    private static ProblemHttpResult Unprocessable(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: title, detail: detail);
}
