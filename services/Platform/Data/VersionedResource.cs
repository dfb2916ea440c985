namespace CrmCloud.Platform.Data;

/// <summary>
/// A resource a caller owns and edits: its details change only through <see cref="Change"/>, which keeps
/// the version (the ETag, and the order of the resource's events) and the update time.
/// </summary>
/// <typeparam name="TDetails">What callers say about the resource: a record compared by value.</typeparam>
public abstract class VersionedResource<TDetails> : IVersioned, ITenantOwned
    where TDetails : class, IEquatable<TDetails>
{
    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public TDetails Details { get; private set; } = null!;

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Grows by one with every change.</summary>
    public long Version { get; private set; }

    /// <summary>Sets up a new resource at version 1; called once, by the derived type's factory.</summary>
    protected void Initialize(string tenantId, Guid id, TDetails details, DateTimeOffset now)
    {
        TenantId = tenantId;
        Id = id;
        Details = details;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    /// <summary>
    /// Records a change to what the resource holds beside its details (another record merged into it), so
    /// its version, ETag and events move on even when the details stay the same.
    /// </summary>
    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    /// <returns>False when <paramref name="details"/> changes nothing: the version stays.</returns>
    public bool Change(TDetails details, DateTimeOffset now)
    {
        if (details.Equals(Details))
        {
            return false;
        }

        Details = details;
        UpdatedAt = now;
        Version++;
        return true;
    }
}
