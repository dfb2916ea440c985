using System.Text.Json;
using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Billing.Features.BillingAccounts;

public static class BillingAccountEndpoints
{
    private const string Resource = "billing account";

    public static RouteGroupBuilder MapBillingAccounts(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/v1/billing-accounts").WithTags("Billing accounts");

        accounts.MapGet("/", List)
            .RequireScope(Scopes.Read("billing"))
            .WithName("ListBillingAccounts")
            .WithSummary("List billing accounts")
            .WithDescription("Accounts kept in step with contacts by event (name, email, address), with their billing terms and balance; filter by ?personId=, page with cursor.")
            .ProducesValidationProblem();

        accounts.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("billing"))
            .WithName("GetBillingAccount")
            .WithSummary("Get a billing account")
            .WithDescription("The account with its balance (unpaid issued invoices less credit, in the account's currency) and its ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("billing"))
            .WithName("UpdateBillingAccount")
            .WithSummary("Change an account's billing terms (JSON merge patch)")
            .WithDescription(
                "currency (ISO 4217), paymentTermsDays (0 to 365) and taxId; the name, email and address come from contacts. "
                + "Issued invoices keep the terms they were issued with. If-Match guards against lost updates (412).")
            .Accepts<JsonElement>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return accounts;
    }

    private static async Task<Results<Ok<Page<BillingAccountResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, Guid? personId, BillingDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        var accounts = db.BillingAccounts.AsNoTracking().Where(a => !a.IsDeleted);
        if (personId is { } person)
        {
            accounts = accounts.Where(a => a.PersonId == person);
        }

        var read = await page.ReadAsync(accounts, account => account, cancellationToken);
        var balances = await Balances.OfAsync(db, [.. read.Items.Select(a => a.Id)], cancellationToken);
        return TypedResults.Ok(new Page<BillingAccountResponse>(
            [.. read.Items.Select(a => BillingAccountResponse.From(a, balances.Of(a)))], read.NextCursor));
    }

    private static async Task<Results<Ok<BillingAccountResponse>, ProblemHttpResult>> Get(Guid id, BillingDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var account = await db.BillingAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && !a.IsDeleted, cancellationToken);
        if (account is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        var balances = await Balances.OfAsync(db, [account.Id], cancellationToken);
        ETags.Write(response, account.Version);
        return TypedResults.Ok(BillingAccountResponse.From(account, balances.Of(account)));
    }

    private static async Task<Results<Ok<BillingAccountResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, BillingDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.BillingAccounts.Where(a => !a.IsDeleted).FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } account)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (account.Terms.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } terms)
        {
            return ApiProblems.Invalid(errors);
        }

        account.ChangeTerms(terms, time.GetUtcNow());
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        var balances = await Balances.OfAsync(db, [account.Id], cancellationToken);
        ETags.Write(response, account.Version);
        return TypedResults.Ok(BillingAccountResponse.From(account, balances.Of(account)));
    }
}

/// <summary>What accounts owe, per currency: the unpaid part of issued invoices less their credit (payments' unallocated part and credit notes' unapplied part).</summary>
public sealed class Balances
{
    private readonly Dictionary<(Guid Account, string Currency), decimal> _amounts;

    private Balances(Dictionary<(Guid, string), decimal> amounts) => _amounts = amounts;

    public decimal Of(BillingAccount account) => _amounts.GetValueOrDefault((account.Id, account.Terms.Currency));

    public static async Task<Balances> OfAsync(BillingDb db, IReadOnlyList<Guid> accountIds, CancellationToken cancellationToken)
    {
        var open = new[] { InvoiceStatus.Issued, InvoiceStatus.PartiallyPaid, InvoiceStatus.Overdue };
        var owed = await db.Invoices.AsNoTracking()
            .Where(i => accountIds.Contains(i.BillingAccountId) && open.Contains(i.Status))
            .GroupBy(i => new { i.BillingAccountId, i.Currency })
            .Select(g => new { g.Key.BillingAccountId, g.Key.Currency, Amount = g.Sum(i => i.Total - i.PaidAmount - i.CreditedAmount) })
            .ToListAsync(cancellationToken);
        var credit = await db.Payments.AsNoTracking()
            .Where(p => accountIds.Contains(p.BillingAccountId) && p.Unallocated > 0)
            .GroupBy(p => new { p.BillingAccountId, p.Currency })
            .Select(g => new { g.Key.BillingAccountId, g.Key.Currency, Amount = g.Sum(p => p.Unallocated) })
            .ToListAsync(cancellationToken);
        var noteCredit = await db.CreditNotes.AsNoTracking()
            .Where(n => accountIds.Contains(n.BillingAccountId) && n.Unapplied > 0)
            .GroupBy(n => new { n.BillingAccountId, n.Currency })
            .Select(g => new { g.Key.BillingAccountId, g.Key.Currency, Amount = g.Sum(n => n.Unapplied) })
            .ToListAsync(cancellationToken);
        var amounts = new Dictionary<(Guid, string), decimal>();
        foreach (var row in owed)
        {
            amounts[(row.BillingAccountId, row.Currency)] = row.Amount;
        }

        foreach (var row in credit.Concat(noteCredit))
        {
            amounts[(row.BillingAccountId, row.Currency)] = amounts.GetValueOrDefault((row.BillingAccountId, row.Currency)) - row.Amount;
        }

        return new(amounts);
    }
}
