using CrmCloud.Billing;
using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Billing.Features.CreditNotes;
using CrmCloud.Billing.Features.Dunning;
using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Billing.Features.Payments;
using CrmCloud.Billing.Features.Reports;
using CrmCloud.Billing.Features.Schedule;
using CrmCloud.Billing.Features.Subscriptions;
using CrmCloud.Billing.Features.TaxRates;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<BillingDb>("billingdb");
builder.AddContactCopies<BillingDb, BillingAccount>();
builder.AddMessaging<BillingDb>("billing");
builder.Services.Configure<SchedulerOptions>(builder.Configuration.GetSection("Scheduler"));
builder.Services.AddHostedService<BillingScheduler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapBillingAccounts();
app.MapTaxRates();
app.MapInvoices();
app.MapCreditNotes();
app.MapPayments();
app.MapSubscriptions();
app.MapDunning();
app.MapReports();

return await app.RunServiceAsync(args);
