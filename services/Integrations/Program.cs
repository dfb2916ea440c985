using CrmCloud.Integrations;
using CrmCloud.Integrations.Features.ApiKeys;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults;
using CrmCloud.ServiceDefaults.Cache;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<IntegrationsDb>("integrationsdb");
builder.AddCache();          // Redis: where the gateway looks partner keys up
builder.Services.AddApiKeys();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapApiKeys();

return await app.RunServiceAsync(args);
