using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Dunning;

/// <summary>The tenant's reminder schedule: days after the due date, e.g. <c>[7, 14, 30]</c>.</summary>
public sealed record DunningPolicyRequest(IReadOnlyList<int>? ReminderDays);

public sealed record DunningPolicyResponse(IReadOnlyList<int> ReminderDays, DateTimeOffset? UpdatedAt, long Version);

public static class DunningEndpoints
{
    public const int MaxSteps = 10;
    public const int MaxDays = 365;

    public static RouteGroupBuilder MapDunning(this IEndpointRouteBuilder app)
    {
        var dunning = app.MapGroup("/api/v1/dunning").WithTags("Dunning");

        dunning.MapGet("/", Get)
            .RequireScope(Scopes.Read("billing"))
            .WithName("GetDunningPolicy")
            .WithSummary("Get the tenant's dunning schedule")
            .WithDescription("The days after an invoice's due date at which a reminder is due; empty until set. Invoices past due become overdue whatever the schedule.");

        dunning.MapPut("/", Put)
            .RequireScope(Scopes.Write("billing"))
            .WithName("SetDunningPolicy")
            .WithSummary("Set the tenant's dunning schedule")
            .WithDescription(
                $"reminderDays: up to {MaxSteps} distinct whole numbers of days from 1 to {MaxDays}, kept sorted. Each step is sent once per overdue invoice "
                + "(InvoiceReminderDue). If-Match guards against lost updates (412).")
            .Accepts<DunningPolicyRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return dunning;
    }

    private static async Task<Ok<DunningPolicyResponse>> Get(BillingDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var policy = await db.DunningPolicies.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        ETags.Write(response, policy?.Version ?? 0);
        return TypedResults.Ok(new DunningPolicyResponse(policy?.ReminderDays ?? [], policy?.UpdatedAt, policy?.Version ?? 0));
    }

    private static async Task<Results<Ok<DunningPolicyResponse>, ValidationProblem, ProblemHttpResult>> Put(
        DunningPolicyRequest body, BillingDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var days = body.ReminderDays;
        if (days is null)
        {
            errors.Add("reminderDays", "This field is required.");
        }
        else if (days.Count > MaxSteps || days.Any(d => d is < 1 or > MaxDays) || days.Distinct().Count() != days.Count)
        {
            errors.Add("reminderDays", $"Up to {MaxSteps} distinct whole numbers of days from 1 to {MaxDays}.");
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var policy = await db.DunningPolicies.FirstOrDefaultAsync(cancellationToken);
        if (!ETags.Matches(request, policy?.Version ?? 0))
        {
            return ApiProblems.PreconditionFailed("dunning schedule");
        }

        if (policy is null)
        {
            policy = DunningPolicy.For(db.Tenant.TenantId, now);
            db.DunningPolicies.Add(policy);
        }

        policy.Change([.. days!.Order()], now);
        try
        {
            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                return ApiProblems.PreconditionFailed("dunning schedule");
            }
        }
        catch (DbUpdateException exception) when (Platform.Data.DbErrors.IsUniqueViolation(exception))
        {
            return ApiProblems.PreconditionFailed("dunning schedule");
        }

        ETags.Write(response, policy.Version);
        return TypedResults.Ok(new DunningPolicyResponse(policy.ReminderDays, policy.UpdatedAt, policy.Version));
    }
}
