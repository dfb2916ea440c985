using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Profile;

/// <summary>
/// Computes profiles from facts. A profile is a function of the set of facts alone: an order counts once placed
/// and not cancelled, a ticket is open once opened and not solved, whichever of the two arrived first, and the
/// latest campaign response is the one with the latest time (ties by response id), not the one stored last.
/// </summary>
public static class CustomerProfiles
{
    /// <summary>The figures of <paramref name="facts"/> (a person's or a company's), read in the database.</summary>
    public static async Task<ProfileFigures> ComputeAsync(ContactsDb db, IQueryable<CustomerFact> facts, CancellationToken cancellationToken)
    {
        // Matched by source id across the tenant: a cancellation or a solution may name another person (a
        // ticket handed to a colleague) and still closes what it names.
        var cancelled = db.CustomerFacts.Where(f => f.Kind == FactKind.Order && f.Event == FactEvents.Cancelled).Select(f => f.SourceId);
        var solved = db.CustomerFacts.Where(f => f.Kind == FactKind.Ticket && f.Event == FactEvents.Solved).Select(f => f.SourceId);

        var orders = await facts
            .Where(f => f.Kind == FactKind.Order && f.Event == FactEvents.Placed && f.Currency != null && !cancelled.Contains(f.SourceId))
            .GroupBy(f => f.Currency!)
            .Select(g => new
            {
                Currency = g.Key,
                Amount = g.Sum(f => f.Amount ?? 0),
                Count = g.Count(),
                First = g.Min(f => f.OccurredAt),
                Last = g.Max(f => f.OccurredAt),
            })
            .ToListAsync(cancellationToken);
        var openTickets = await facts.CountAsync(
            f => f.Kind == FactKind.Ticket && f.Event == FactEvents.Opened && !solved.Contains(f.SourceId), cancellationToken);
        var lastResponse = await facts
            .Where(f => f.Kind == FactKind.Campaign && f.CampaignId != null)
            .OrderByDescending(f => f.OccurredAt)
            .ThenByDescending(f => f.SourceId)
            .Select(f => new LastCampaignResponse(f.Event, f.CampaignId!.Value, f.CampaignName ?? "", f.OccurredAt))
            .FirstOrDefaultAsync(cancellationToken);

        return new ProfileFigures(
            orders.ToDictionary(o => o.Currency, o => o.Amount, StringComparer.Ordinal),
            orders.Sum(o => o.Count),
            orders.Count == 0 ? null : orders.Min(o => o.First),
            orders.Count == 0 ? null : orders.Max(o => o.Last),
            openTickets,
            lastResponse);
    }

    /// <summary>
    /// Brings the person's stored profile in line with their stored facts (saved with the caller's changes): one
    /// is added when the facts first add up to something, and removed when they no longer do.
    /// </summary>
    public static async Task RecomputeAsync(ContactsDb db, Guid personId, CancellationToken cancellationToken)
    {
        var figures = await ComputeAsync(db, db.CustomerFacts.Where(f => f.PersonId == personId), cancellationToken);
        var profile = await db.CustomerProfiles.Include(p => p.Revenues).FirstOrDefaultAsync(p => p.PersonId == personId, cancellationToken);
        if (figures.IsEmpty)
        {
            if (profile is not null)
            {
                db.CustomerProfiles.Remove(profile);
            }

            return;
        }

        if (profile is null)
        {
            profile = CustomerProfile.For(db.Tenant.TenantId, personId);
            db.CustomerProfiles.Add(profile);
        }

        profile.Apply(figures);
    }

    /// <summary>The person's profile as stored; <see cref="ProfileFigures.None"/> when their facts add up to nothing yet.</summary>
    public static async Task<ProfileFigures> ReadAsync(ContactsDb db, Guid personId, CancellationToken cancellationToken)
    {
        var profile = await db.CustomerProfiles.AsNoTracking().Include(p => p.Revenues)
            .FirstOrDefaultAsync(p => p.PersonId == personId, cancellationToken);
        return profile?.Figures() ?? ProfileFigures.None;
    }

    /// <summary>
    /// For merging two people of the tenant: every fact about <paramref name="mergedId"/> moves to
    /// <paramref name="survivorId"/>, the merged person's profile goes, and the survivor's is recomputed from
    /// all the facts they now have. Call it inside the transaction that merges: the facts move there, and the
    /// profile is written by the caller's <c>SaveChangesAsync</c>, with everything else the merge changes.
    /// Both people are locked first, so a fact arriving meanwhile is recorded before the move (and moves) or
    /// after the merge (and finds the merged person gone).
    /// </summary>
    public static async Task MergeAsync(ContactsDb db, Guid survivorId, Guid mergedId, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Merge profiles inside the transaction that merges the people.");
        }

        if (survivorId == mergedId)
        {
            throw new ArgumentException("A person cannot be merged into themselves.", nameof(mergedId));
        }

        // In id order, as every merge takes them, so two merges of the same pair cannot deadlock.
        foreach (var id in new[] { survivorId, mergedId }.Order())
        {
            await CustomerFacts.LockPersonAsync(db, id, cancellationToken);
        }

        await db.CustomerFacts.Where(f => f.PersonId == mergedId)
            .ExecuteUpdateAsync(facts => facts.SetProperty(f => f.PersonId, survivorId), cancellationToken);
        await db.CustomerProfiles.Where(p => p.PersonId == mergedId).ExecuteDeleteAsync(cancellationToken);
        await RecomputeAsync(db, survivorId, cancellationToken);
    }
}
