using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Payments;

public static class PaymentEndpoints
{
    private const string Resource = "payment";

    public static RouteGroupBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/api/v1/payments").WithTags("Payments");

        payments.MapPost("/", Create)
            .RequireScope(Scopes.Write("billing"))
            .WithName("RecordPayment")
            .WithSummary("Record a payment and allocate it")
            .WithDescription(
                "Records money received from a billing account and allocates it to the account's open invoices in its currency: "
                + "as the caller lists in allocations, or else oldest first. What no invoice takes becomes account credit (unallocated). "
                + "A payment is recorded once per externalReference: posting it again answers 200 with the payment recorded first, "
                + "or 409 when the reference names a different payment. Publishes PaymentReceived, and InvoicePaid for each invoice it settles.")
            .Accepts<CreatePaymentRequest>("application/json")
            .Produces<PaymentResponse>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        payments.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("billing"))
            .WithName("GetPayment")
            .WithSummary("Get a payment")
            .WithDescription("The payment with its allocations, unallocated credit and refunds.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        payments.MapGet("/", List)
            .RequireScope(Scopes.Read("billing"))
            .WithName("ListPayments")
            .WithSummary("List payments")
            .WithDescription("Payments in creation order, a page at a time; filter by ?billingAccountId= or ?externalReference=.")
            .ProducesValidationProblem();

        payments.MapPost("/{id:guid}/refunds", Refund)
            .RequireScope(Scopes.Write("billing"))
            .WithName("RefundPayment")
            .WithSummary("Refund part of a payment's credit")
            .WithDescription("Gives back up to the payment's unallocated amount (account credit), with a reason; more is a 422. If-Match guards against lost updates (412).")
            .Accepts<RefundRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        return payments;
    }

    private static async Task<Results<Created<PaymentResponse>, Ok<PaymentResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreatePaymentRequest request, BillingDb db, TimeProvider time, CancellationToken cancellationToken)
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
        var amount = errors.PositiveAmount("amount", request.Amount, currency);
        var method = errors.Method(request.Method);
        var reference = errors.Optional("externalReference", request.ExternalReference, PaymentRequests.ReferenceLength);
        var now = time.GetUtcNow();
        if (request.ReceivedAt > now.AddMinutes(5))
        {
            errors.Add("receivedAt", "A payment cannot be received in the future.");
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        if (reference is not null && await ExistingAsync(db, reference, account!.Id, amount!.Value, currency!, cancellationToken) is { } answer)
        {
            return answer;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var open = await PaymentPosting.LockOpenInvoicesAsync(db, account!.Id, currency!, cancellationToken);
        var allocations = PaymentPosting.Allocate(amount!.Value, currency!, request.Allocations, open, errors);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var payment = PaymentPosting.Post(
            db, account, request.Id ?? Ids.New(), amount.Value, currency!, method, Timestamps.Stored(request.ReceivedAt ?? now), reference, allocations, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            // A concurrent post of the same reference won the race: answer as a repeat does.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return reference is not null && await ExistingAsync(db, reference, account.Id, amount.Value, currency!, cancellationToken) is { } repeat
                ? repeat
                : ApiProblems.Conflict("The id is taken.", $"Another payment already has the id {payment.Id}.");
        }

        return TypedResults.Created($"/api/v1/payments/{payment.Id}", PaymentResponse.From(payment));
    }

    /// <summary>The answer to a payment whose reference is recorded already: the same payment again, or a conflict.</summary>
    private static async Task<Results<Created<PaymentResponse>, Ok<PaymentResponse>, ValidationProblem, ProblemHttpResult>?> ExistingAsync(
        BillingDb db, string reference, Guid accountId, decimal amount, string currency, CancellationToken cancellationToken)
    {
        var existing = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.ExternalReference == reference, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        return existing.BillingAccountId == accountId && existing.Amount == amount && existing.Currency == currency
            ? TypedResults.Ok(PaymentResponse.From(existing))
            : ApiProblems.Conflict("The external reference is taken.", $"Payment {existing.Id} was recorded with the reference {reference} for another account or amount.");
    }

    private static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> Get(Guid id, BillingDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (payment is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, payment.Version);
        return TypedResults.Ok(PaymentResponse.From(payment));
    }

    private static async Task<Results<Ok<Page<PaymentResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, Guid? billingAccountId, string? externalReference, BillingDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        var payments = db.Payments.AsNoTracking();
        if (billingAccountId is { } account)
        {
            payments = payments.Where(p => p.BillingAccountId == account);
        }

        if (externalReference is not null)
        {
            payments = payments.Where(p => p.ExternalReference == externalReference);
        }

        return TypedResults.Ok(await page.ReadAsync(payments, PaymentResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<PaymentResponse>, ValidationProblem, ProblemHttpResult>> Refund(
        Guid id, RefundRequest body, BillingDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Payments.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } payment)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        var amount = errors.PositiveAmount("amount", body.Amount, payment.Currency);
        var reason = errors.Required("reason", body.Reason, PaymentRequests.ReasonLength);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        if (amount > payment.Unallocated)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "More than the payment's credit.",
                detail: $"Only the unallocated {Money.Of(payment.Unallocated, payment.Currency).Amount} {payment.Currency} of payment {id} can be refunded.");
        }

        payment.Refund(amount!.Value, reason!, time.GetUtcNow());
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, payment.Version);
        return TypedResults.Ok(PaymentResponse.From(payment));
    }
}
