using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Profile;

/// <summary>
/// An RFM value score: how recently (<see cref="Recency"/>), how often (<see cref="Frequency"/>) and how much
/// (<see cref="Monetary"/>) a person has ordered, each 1 to 5 by the quintile of the tenant's customers (people with
/// an order not cancelled) the person falls in; 5 is the best fifth. <see cref="Combined"/> is their sum, 3 to 15.
/// </summary>
public sealed record ValueScore(int Recency, int Frequency, int Monetary)
{
    public int Combined => Recency + Frequency + Monetary;

    /// <summary>
    /// The person's score, or null when they are not a customer. Computed in the database on each read, so it always
    /// ranks the tenant's customers as they are now.
    /// </summary>
    /// <remarks>
    /// A score is <c>ceil(5 × cume_dist())</c>: the share of customers whose value is at most the person's, in fifths.
    /// Equal values get equal scores (the higher one), which quintiles cut by row number would not: a customer tied
    /// with the best is scored as the best. cume_dist is cast to numeric (15 significant digits) before it is
    /// multiplied, so an exact fifth such as 3/5 scores 3, not 4 by a floating-point hair. Money is only comparable
    /// within a currency, so the monetary score is ranked among the customers who bought in each currency, and a
    /// person who bought in several gets the best of their scores. Raw SQL bypasses the tenant filter, so every part
    /// filters on the tenant.
    /// </remarks>
    public static async Task<ValueScore?> ReadAsync(ContactsDb db, Guid personId, CancellationToken cancellationToken)
    {
        var tenantId = db.Tenant.TenantId;
        var scores = await db.Database.SqlQuery<ValueScore>(
            $"""
            WITH customers AS (
                SELECT person_id,
                       ceil(5 * (cume_dist() OVER (ORDER BY last_order_at))::numeric)::int AS recency,
                       ceil(5 * (cume_dist() OVER (ORDER BY order_count))::numeric)::int AS frequency
                FROM customer_profiles
                WHERE tenant_id = {tenantId} AND order_count > 0
            ),
            spend AS (
                SELECT person_id, ceil(5 * (cume_dist() OVER (PARTITION BY currency ORDER BY amount))::numeric)::int AS monetary
                FROM customer_revenues
                WHERE tenant_id = {tenantId}
            )
            SELECT c.recency, c.frequency, coalesce((SELECT max(s.monetary) FROM spend AS s WHERE s.person_id = c.person_id), 1) AS monetary
            FROM customers AS c
            WHERE c.person_id = {personId}
            """)
            .ToListAsync(cancellationToken);
        return scores.SingleOrDefault();
    }
}
