using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing;

public sealed class BillingDb(DbContextOptions<BillingDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<BillingAccount> BillingAccounts => Set<BillingAccount>();
}
