using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Billing.Features.CreditNotes;
using CrmCloud.Billing.Features.Dunning;
using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Billing.Features.Numbering;
using CrmCloud.Billing.Features.Payments;
using CrmCloud.Billing.Features.Subscriptions;
using CrmCloud.Billing.Features.TaxRates;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing;

public sealed class BillingDb(DbContextOptions<BillingDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<BillingAccount> BillingAccounts => Set<BillingAccount>();

    public DbSet<PersonMerge> PersonMerges => Set<PersonMerge>();

    public DbSet<TaxRate> TaxRates => Set<TaxRate>();

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<CancelledOrder> CancelledOrders => Set<CancelledOrder>();

    public DbSet<DocumentCounter> DocumentCounters => Set<DocumentCounter>();

    public DbSet<Payment> Payments => Set<Payment>();

    public DbSet<CreditNote> CreditNotes => Set<CreditNote>();

    public DbSet<Subscription> Subscriptions => Set<Subscription>();

    public DbSet<DunningPolicy> DunningPolicies => Set<DunningPolicy>();
}
