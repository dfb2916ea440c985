using CrmCloud.Contacts.Features.Activities;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.Consent;
using CrmCloud.Contacts.Features.Imports;
using CrmCloud.Contacts.Features.People;
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

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<ImportRowError> ImportRowErrors => Set<ImportRowError>();
}
