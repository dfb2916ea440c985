using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.BillingAccounts;

/// <summary>
/// The account invoices are addressed to: the person's name, email and address kept in step with contacts, and the
/// billing terms the tenant sets here (currency, payment terms, tax id). An account may exist before its person's
/// first contact event arrives (an order can be billed first); the event then fills in the name.
/// </summary>
public sealed class BillingAccount : ContactCopy, IVersioned
{
    public string BillingName { get; private set; } = "";

    public string? Email { get; private set; }

    public PostalAddress? BillingAddress { get; private set; }

    public BillingTerms Terms { get; private set; } = BillingTerms.Default;

    public void ChangeTerms(BillingTerms terms, DateTimeOffset now)
    {
        if (terms != Terms)
        {
            Terms = terms;
            Touch(now);
        }
    }

    protected override void Copy(ContactSnapshot contact)
    {
        BillingName = $"{contact.FirstName} {contact.LastName}".Trim();
        Email = contact.Email;
        BillingAddress = contact.Address is { } address
            ? new PostalAddress(address.Street, address.City, address.Region, address.PostalCode, address.Country)
            : null;
        if (IsDeleted)
        {
            // A person's tax id is personal data too (a sole trader's is often their national number); issued invoices keep it as printed.
            Terms = Terms with { TaxId = null };
        }
    }
}

/// <summary>How an account is billed: invoices in <see cref="Currency"/>, due <see cref="PaymentTermsDays"/> days after issue.</summary>
public sealed record BillingTerms(string Currency, int PaymentTermsDays, string? TaxId)
{
    public static readonly BillingTerms Default = new("EUR", 30, null);
}

internal sealed class BillingAccountConfiguration : IEntityTypeConfiguration<BillingAccount>
{
    public void Configure(EntityTypeBuilder<BillingAccount> account)
    {
        account.ToTable("billing_accounts");
        ContactCopy.Configure(account);
        account.Property(a => a.BillingName).HasMaxLength(201);
        account.Property(a => a.Email).HasMaxLength(254);
        account.Property(a => a.BillingAddress).HasColumnType("jsonb").HasConversion(JsonColumn<PostalAddress?>.Converter, JsonColumn<PostalAddress?>.Comparer);
        account.ComplexProperty(a => a.Terms, terms =>
        {
            terms.Property(t => t.Currency).HasColumnName("currency").HasMaxLength(3);
            terms.Property(t => t.PaymentTermsDays).HasColumnName("payment_terms_days");
            terms.Property(t => t.TaxId).HasColumnName("tax_id").HasMaxLength(BillingAccountRequests.TaxIdLength);
        });
    }
}
