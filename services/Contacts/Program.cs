using CrmCloud.Contacts;
using CrmCloud.Contacts.Features.Activities;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.Consent;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Contacts.Features.Duplicates;
using CrmCloud.Contacts.Features.Merge;
using CrmCloud.Contacts.Features.Imports;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Contacts.Features.Privacy;
using CrmCloud.Contacts.Features.Profile;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<ContactsDb>("contactsdb");
builder.AddMessaging<ContactsDb>("contacts");
builder.AddPrivacy();
builder.AddConsent();
builder.AddActivities();
builder.AddCustomerProfiles();
builder.AddImports();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapPeople();
app.MapCompanies();
app.MapConsents();
app.MapActivities();
app.MapPrivacy();
app.MapDuplicates();
app.MapMerge();
app.MapCustomerProfiles();
app.MapCustomFields();
app.MapImports();

return await app.RunServiceAsync(args);
