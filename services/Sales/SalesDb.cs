using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Customers;
using CrmCloud.Sales.Features.LeadForms;
using CrmCloud.Sales.Features.Leads;
using CrmCloud.Sales.Features.Numbering;
using CrmCloud.Sales.Features.Offers;
using CrmCloud.Sales.Features.Opportunities;
using CrmCloud.Sales.Features.Orders;
using CrmCloud.Sales.Features.Pipelines;
using CrmCloud.Sales.Features.PriceLists;
using CrmCloud.Sales.Features.Products;
using CrmCloud.Sales.Features.Quotes;
using CrmCloud.Sales.Features.Stock;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales;

public sealed class SalesDb(DbContextOptions<SalesDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<PersonMerge> PersonMerges => Set<PersonMerge>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<StockLevel> StockLevels => Set<StockLevel>();

    public DbSet<PriceList> PriceLists => Set<PriceList>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<NumberSeries> NumberSeries => Set<NumberSeries>();

    public DbSet<Quote> Quotes => Set<Quote>();

    public DbSet<CampaignOffer> CampaignOffers => Set<CampaignOffer>();

    public DbSet<IssuedOfferCode> IssuedOfferCodes => Set<IssuedOfferCode>();

    public DbSet<Pipeline> Pipelines => Set<Pipeline>();

    public DbSet<Opportunity> Opportunities => Set<Opportunity>();

    public DbSet<OpportunityStageChange> OpportunityStageChanges => Set<OpportunityStageChange>();

    public DbSet<Lead> Leads => Set<Lead>();

    public DbSet<LeadForm> LeadForms => Set<LeadForm>();

    public DbSet<LeadCaptureWindow> LeadCaptureWindows => Set<LeadCaptureWindow>();
}
