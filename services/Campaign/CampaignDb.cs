using CrmCloud.Campaign.Features.Attribution;
using CrmCloud.Campaign.Features.Audience;
using CrmCloud.Campaign.Features.Campaigns;
using CrmCloud.Campaign.Features.Delivery;
using CrmCloud.Campaign.Features.Responses;
using CrmCloud.Campaign.Features.Segments;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign;

public sealed class CampaignDb(DbContextOptions<CampaignDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<AudienceMember> AudienceMembers => Set<AudienceMember>();

    public DbSet<AudienceConsent> AudienceConsents => Set<AudienceConsent>();

    public DbSet<AudienceOrder> AudienceOrders => Set<AudienceOrder>();

    public DbSet<AudienceTicket> AudienceTickets => Set<AudienceTicket>();

    public DbSet<PersonMerge> PersonMerges => Set<PersonMerge>();

    public DbSet<Segment> Segments => Set<Segment>();

    public DbSet<SegmentListMember> SegmentListMembers => Set<SegmentListMember>();

    public DbSet<MarketingCampaign> Campaigns => Set<MarketingCampaign>();

    public DbSet<CampaignRecipient> Recipients => Set<CampaignRecipient>();

    public DbSet<RecipientResponse> Responses => Set<RecipientResponse>();

    public DbSet<CampaignConversion> Conversions => Set<CampaignConversion>();
}
