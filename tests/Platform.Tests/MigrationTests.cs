using CrmCloud.Billing;
using CrmCloud.Campaign;
using CrmCloud.Contacts;
using CrmCloud.Integrations;
using CrmCloud.Platform.Data;
using CrmCloud.Sales;
using CrmCloud.ServiceDefaults.Tenancy;
using CrmCloud.Support;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace CrmCloud.Platform.Tests;

/// <summary>Every model change comes with its checked-in migration.</summary>
public sealed class MigrationTests
{
    public static TheoryData<string> Databases => ["contacts", "sales", "campaign", "support", "billing", "integrations"];

    [Theory]
    [MemberData(nameof(Databases))]
    public void The_checked_in_migrations_match_the_model(string service)
    {
        using var db = Create(service);

        Assert.False(db.Database.HasPendingModelChanges(), $"The {service} model changed without a migration: run dotnet ef migrations add.");
    }

    private static ServiceDb Create(string service)
    {
        var tenant = new TenantContext();
        return service switch
        {
            "contacts" => new ContactsDb(Options<ContactsDb>(), tenant),
            "sales" => new SalesDb(Options<SalesDb>(), tenant),
            "campaign" => new CampaignDb(Options<CampaignDb>(), tenant),
            "support" => new SupportDb(Options<SupportDb>(), tenant),
            "billing" => new BillingDb(Options<BillingDb>(), tenant),
            "integrations" => new IntegrationsDb(Options<IntegrationsDb>(), tenant),
            _ => throw new ArgumentOutOfRangeException(nameof(service)),
        };
    }

    // No connection is opened: the model is compared with the last migration's snapshot.
    private static DbContextOptions<TDb> Options<TDb>()
        where TDb : DbContext
    {
        var options = new DbContextOptionsBuilder<TDb>();
        options.UseServiceDatabase("Host=localhost");
        return options.Options;
    }
}
