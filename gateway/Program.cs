using CrmCloud.Gateway.Cache;
using CrmCloud.Gateway.Idempotency;
using CrmCloud.Gateway.Reference;
using CrmCloud.Gateway.Routing;
using CrmCloud.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();       // telemetry, health, discovery, problem details, authentication
builder.AddCache();                 // Redis (ConnectionStrings:cache) and its readiness check
builder.AddIdempotency();           // Idempotency-Key on POST, remembered in Redis
builder.AddGatewayRouting();        // /api/v1/{resource} to the owning service (Routing/ServiceAreas.cs)
builder.Services.AddApiReference(); // the services' OpenAPI documents and the /docs page

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServiceRoutes(proxy => proxy.UseIdempotency());
app.MapApiReference();

return await app.RunServiceAsync(args);
