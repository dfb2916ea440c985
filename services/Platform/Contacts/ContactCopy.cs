using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Platform.Contacts;

/// <summary>
/// A service's own copy of a person from contacts, kept from contact events. Events may arrive out of
/// order: a copy only moves forward in contacts' version, and a deleted person leaves a tombstone
/// without personal data, so a late update cannot bring it back.
/// </summary>
public abstract class ContactCopy : IEntity, ITenantOwned
{
    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid PersonId { get; private set; }

    /// <summary>The version of the person in contacts that this copy reflects.</summary>
    public long ContactVersion { get; private set; }

    public bool IsDeleted { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    public static TCopy New<TCopy>(string tenantId, Guid personId, DateTimeOffset now)
        where TCopy : ContactCopy, new() => new()
        {
            Id = Ids.New(),
            TenantId = tenantId,
            PersonId = personId,
            CreatedAt = now,
            UpdatedAt = now,
        };

    /// <returns>False when the copy already reflects this version of the person or a later one.</returns>
    public bool Apply(long contactVersion, ContactSnapshot? contact, DateTimeOffset now)
    {
        if (contactVersion <= ContactVersion)
        {
            return false;
        }

        IsDeleted = contact is null;
        Copy(contact ?? new ContactSnapshot("", "", null, null, null));
        ContactVersion = contactVersion;
        UpdatedAt = now;
        Version++;
        return true;
    }

    /// <summary>Records a change the service itself made to the copy (its own fields beside the person's), so its version and ETag move on.</summary>
    protected void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    /// <summary>Takes what this service keeps of the person.</summary>
    protected abstract void Copy(ContactSnapshot contact);

    /// <summary>The keys every copy shares: one copy per person and tenant.</summary>
    public static void Configure<TCopy>(EntityTypeBuilder<TCopy> copy)
        where TCopy : ContactCopy
    {
        copy.HasKey(c => c.Id);
        copy.Property(c => c.Id).ValueGeneratedNever();
        copy.Property(c => c.Version).IsConcurrencyToken();
        copy.HasIndex(c => new { c.TenantId, c.PersonId }).IsUnique();
        copy.HasIndex(c => new { c.TenantId, c.Id });
    }
}
