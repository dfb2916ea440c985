using CrmCloud.Integrations;
using CrmCloud.Integrations.Features.ApiKeys;
using CrmCloud.Integrations.Features.Webhooks;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;
using CrmCloud.ServiceDefaults.Cache;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<IntegrationsDb>("integrationsdb");
builder.AddMessaging<IntegrationsDb>("integrations");
builder.AddCache();          // Redis: where the gateway looks partner keys up
builder.Services.AddApiKeys();
builder.AddWebhooks();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapApiKeys();
app.MapWebhooks();

return await app.RunServiceAsync(args);
