using CrmCloud.Contacts.Features.Activities;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.Consent;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Contacts.Features.Imports;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Contacts.Features.Profile;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts;

public sealed class ContactsDb(DbContextOptions<ContactsDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<Person> People => Set<Person>();

    public DbSet<Company> Companies => Set<Company>();

    public DbSet<PersonConsent> Consents => Set<PersonConsent>();

    public DbSet<ConsentChange> ConsentChanges => Set<ConsentChange>();

    public DbSet<Activity> Activities => Set<Activity>();

    public DbSet<PersonMerge> PersonMerges => Set<PersonMerge>();

    public DbSet<CustomerFact> CustomerFacts => Set<CustomerFact>();

    public DbSet<CustomerProfile> CustomerProfiles => Set<CustomerProfile>();

    public DbSet<CustomerRevenue> CustomerRevenues => Set<CustomerRevenue>();

    public DbSet<CustomFieldDefinition> CustomFields => Set<CustomFieldDefinition>();

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<ImportRowError> ImportRowErrors => Set<ImportRowError>();
}
