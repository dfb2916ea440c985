using System.Linq.Expressions;
using CrmCloud.Contracts;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CrmCloud.Platform.Data;

/// <summary>
/// The base of every service's DbContext: the tenant filter on every tenant-owned entity, the
/// tenant stamped on insert, and the outbox and inbox tables that make events exactly-once.
/// </summary>
public abstract class ServiceDb(DbContextOptions options, TenantContext tenant) : DbContext(options)
{
    public TenantContext Tenant => tenant;

    /// <summary>Read by the query filters on every query; EF Core parameterises it per context instance.</summary>
    public string? CurrentTenantId => tenant.TenantIdOrNull;

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    /// <summary>Records an event to be published once this context's changes commit.</summary>
    public void Publish<TEvent>(TEvent integrationEvent)
        where TEvent : class, IIntegrationEvent =>
        OutboxMessages.Add(OutboxMessage.For(integrationEvent));

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Save asynchronously.");

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardTenant();
        var publishes = ChangeTracker.Entries<OutboxMessage>().Any(entry => entry.State == EntityState.Added);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (publishes)
        {
            this.GetService<OutboxSignal>().Notify();
        }

        return saved;
    }

    /// <summary>
    /// Saves, or returns false when a row changed since it was read (its version no longer matches):
    /// the lost update the caller must be told about, not a server error.
    /// </summary>
    public async Task<bool> TrySaveChangesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(GetType().Assembly);
        OutboxMessage.Configure(modelBuilder.Entity<OutboxMessage>());
        InboxMessage.Configure(modelBuilder.Entity<InboxMessage>());

        foreach (var entityType in modelBuilder.Model.GetEntityTypes().Where(type => typeof(ITenantOwned).IsAssignableFrom(type.ClrType)).ToList())
        {
            modelBuilder.Entity(entityType.ClrType).HasQueryFilter(TenantFilter(entityType.ClrType));
            modelBuilder.Entity(entityType.ClrType).Property(nameof(ITenantOwned.TenantId)).HasMaxLength(64).IsRequired();
        }
    }

    /// <summary><c>entity =&gt; entity.TenantId == this.CurrentTenantId</c> for any tenant-owned type.</summary>
    private LambdaExpression TenantFilter(Type entityType)
    {
        var entity = Expression.Parameter(entityType, "entity");
        var body = Expression.Equal(
            Expression.Property(entity, nameof(ITenantOwned.TenantId)),
            Expression.Property(Expression.Constant(this), nameof(CurrentTenantId)));
        return Expression.Lambda(body, entity);
    }

    /// <summary>New rows get the current tenant; no change may touch another tenant's row.</summary>
    private void GuardTenant()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            switch (entry.State)
            {
                case EntityState.Added when string.IsNullOrEmpty(entry.Entity.TenantId):
                    TenantIdOf(entry).CurrentValue = tenant.TenantId;
                    break;
                case EntityState.Added or EntityState.Modified or EntityState.Deleted when entry.Entity.TenantId != tenant.TenantId:
                    throw new InvalidOperationException($"A {entry.Metadata.ClrType.Name} of another tenant cannot be changed.");
            }
        }
    }

    private static PropertyEntry TenantIdOf(EntityEntry<ITenantOwned> entry) => entry.Property(nameof(ITenantOwned.TenantId));
}
