using CrmCloud.Campaign.Features.Audience;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign;

public sealed class CampaignDb(DbContextOptions<CampaignDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<AudienceMember> AudienceMembers => Set<AudienceMember>();
}
