using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using CrmCloud.Support.Features.Assets;
using CrmCloud.Support.Features.Calendars;
using CrmCloud.Support.Features.CannedResponses;
using CrmCloud.Support.Features.Dunning;
using CrmCloud.Support.Features.Knowledge;
using CrmCloud.Support.Features.Requesters;
using CrmCloud.Support.Features.Satisfaction;
using CrmCloud.Support.Features.ServiceContracts;
using CrmCloud.Support.Features.Sla;
using CrmCloud.Support.Features.Tickets;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support;

public sealed class SupportDb(DbContextOptions<SupportDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<Requester> Requesters => Set<Requester>();

    public DbSet<PersonMerge> PersonMerges => Set<PersonMerge>();

    public DbSet<Ticket> Tickets => Set<Ticket>();

    public DbSet<TicketMessage> TicketMessages => Set<TicketMessage>();

    public DbSet<TicketChange> TicketChanges => Set<TicketChange>();

    public DbSet<TicketCounter> TicketCounters => Set<TicketCounter>();

    public DbSet<BusinessCalendar> BusinessCalendars => Set<BusinessCalendar>();

    public DbSet<SlaPolicy> SlaPolicies => Set<SlaPolicy>();

    public DbSet<ServiceContract> ServiceContracts => Set<ServiceContract>();

    public DbSet<SlaAlarm> SlaAlarms => Set<SlaAlarm>();

    public DbSet<SatisfactionSurvey> SatisfactionSurveys => Set<SatisfactionSurvey>();

    public DbSet<KbArticle> KbArticles => Set<KbArticle>();

    public DbSet<CannedResponse> CannedResponses => Set<CannedResponse>();

    public DbSet<Asset> Assets => Set<Asset>();

    public DbSet<DunningInvoice> DunningInvoices => Set<DunningInvoice>();
}
