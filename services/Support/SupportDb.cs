using CrmCloud.Support.Features.Requesters;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support;

public sealed class SupportDb(DbContextOptions<SupportDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<Requester> Requesters => Set<Requester>();
}
