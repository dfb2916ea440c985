using CrmCloud.Integrations.Features.ApiKeys;
using CrmCloud.Integrations.Features.Webhooks;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Integrations;

/// <summary>What partners are given to reach a tenant's data: API keys, and webhook subscriptions with their deliveries.</summary>
public sealed class IntegrationsDb(DbContextOptions<IntegrationsDb> options, TenantContext tenant) : ServiceDb(options, tenant)
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
}
