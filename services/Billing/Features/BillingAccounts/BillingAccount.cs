using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.BillingAccounts;

/// <summary>The account invoices are addressed to, kept in step with the person in contacts.</summary>
public sealed class BillingAccount : ContactCopy
{
    public string BillingName { get; private set; } = "";

    public string? Email { get; private set; }

    protected override void Copy(ContactSnapshot contact)
    {
        BillingName = $"{contact.FirstName} {contact.LastName}".Trim();
        Email = contact.Email;
    }
}

public sealed record BillingAccountResponse(Guid Id, Guid PersonId, string BillingName, string? Email, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static BillingAccountResponse From(BillingAccount account) =>
        new(account.Id, account.PersonId, account.BillingName, account.Email, account.CreatedAt, account.UpdatedAt, account.Version);
}

internal sealed class BillingAccountConfiguration : IEntityTypeConfiguration<BillingAccount>
{
    public void Configure(EntityTypeBuilder<BillingAccount> account)
    {
        account.ToTable("billing_accounts");
        ContactCopy.Configure(account);
        account.Property(a => a.BillingName).HasMaxLength(201);
        account.Property(a => a.Email).HasMaxLength(254);
    }
}
