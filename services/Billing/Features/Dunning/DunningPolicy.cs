using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.Dunning;

/// <summary>A tenant's dunning schedule: a reminder for an overdue invoice at each number of days after its due date.</summary>
public sealed class DunningPolicy : ITenantOwned
{
    private DunningPolicy()
    {
    }

    public string TenantId { get; private set; } = "";

    public IReadOnlyList<int> ReminderDays { get; private set; } = [];

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    public static DunningPolicy For(string tenantId, DateTimeOffset now) => new() { TenantId = tenantId, UpdatedAt = now };

    public void Change(IReadOnlyList<int> reminderDays, DateTimeOffset now)
    {
        if (!reminderDays.SequenceEqual(ReminderDays))
        {
            ReminderDays = reminderDays;
            UpdatedAt = now;
            Version++;
        }
    }
}

internal sealed class DunningPolicyConfiguration : IEntityTypeConfiguration<DunningPolicy>
{
    public void Configure(EntityTypeBuilder<DunningPolicy> policy)
    {
        policy.ToTable("dunning_policies");
        policy.HasKey(p => p.TenantId);
        policy.Property(p => p.Version).IsConcurrencyToken();
        policy.Property(p => p.ReminderDays).HasColumnType("jsonb").HasConversion(JsonColumn<IReadOnlyList<int>>.Converter, JsonColumn<IReadOnlyList<int>>.Comparer);
    }
}
