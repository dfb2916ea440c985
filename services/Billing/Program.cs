using CrmCloud.Billing;
using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<BillingDb>("billingdb");
builder.AddMessaging<BillingDb>("billing");

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapContactCopies<BillingDb, BillingAccount, BillingAccountResponse>("/api/v1/billing-accounts", "billing", "Billing accounts", BillingAccountResponse.From);

return await app.RunServiceAsync(args);
