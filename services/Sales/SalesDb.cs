using CrmCloud.Sales.Features.Customers;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales;

public sealed class SalesDb(DbContextOptions<SalesDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<Customer> Customers => Set<Customer>();
}
