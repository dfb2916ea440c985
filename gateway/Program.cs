using CrmCloud.Gateway.Credentials;
using CrmCloud.Gateway.Customers;
using CrmCloud.Gateway.Idempotency;
using CrmCloud.Gateway.Protection;
using CrmCloud.Gateway.Reference;
using CrmCloud.Gateway.Routing;
using CrmCloud.ServiceDefaults;
using CrmCloud.ServiceDefaults.Cache;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();       // telemetry, health, discovery, problem details, bearer tokens
builder.AddCache();                 // Redis (ConnectionStrings:cache) and its readiness check
builder.AddPartnerCredentials();    // API keys, looked up through Redis, exchanged for internal tokens
builder.AddProtection();            // CORS, security headers, rate limits, circuit breakers
builder.AddIdempotency();           // Idempotency-Key on POST, remembered in Redis
builder.AddGatewayRouting();        // /api/v1/{resource} to the owning service with its scope (Routing/ServiceAreas.cs)
builder.Services.AddApiReference(); // the services' OpenAPI documents and the /docs page
builder.AddCustomerViews();         // /api/v1/customers/{personId}/360, composed from the services, cached in Redis, emptied by events

var app = builder.Build();
app.UseProtection();
app.MapDefaultEndpoints();
app.MapServiceRoutes(proxy => proxy.UseKeyAttribution().UseRateLimits().UseIdempotency());
app.MapCustomerViews();
app.MapApiReference();

return await app.RunServiceAsync(args);
