using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.Calendars;
using CrmCloud.Support.Features.Resources;
using CrmCloud.Support.Features.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.Sla;

/// <summary>
/// How fast tickets under one service-contract tier (or, without a tier, every other ticket) must be answered and
/// solved, by priority, counted in the business hours of its calendar (every hour, without one).
/// </summary>
public sealed class SlaPolicy : VersionedResource<SlaPolicyDetails>
{
    private SlaPolicy()
    {
    }

    public static SlaPolicy Create(string tenantId, Guid id, SlaPolicyDetails details, DateTimeOffset now)
    {
        var policy = new SlaPolicy();
        policy.Initialize(tenantId, id, details, now);
        return policy;
    }
}

/// <summary>The targets for one priority, in business minutes.</summary>
public sealed record SlaTarget(string Priority, int FirstResponseMinutes, int ResolutionMinutes);

public sealed record SlaPolicyDetails(string Name, string? Tier, Guid? CalendarId, IReadOnlyList<SlaTarget> Targets)
{
    public bool Equals(SlaPolicyDetails? other) =>
        other is not null && Name == other.Name && Tier == other.Tier && CalendarId == other.CalendarId && Targets.SequenceEqual(other.Targets);

    public override int GetHashCode() => HashCode.Combine(Name, Tier, CalendarId, Targets.Count);
}

public sealed record SlaPolicyRequest(Guid? Id, string? Name, string? Tier, Guid? CalendarId, List<SlaTargetRequest>? Targets);

public sealed record SlaTargetRequest(string? Priority, int? FirstResponseMinutes, int? ResolutionMinutes);

public sealed record SlaPolicyResponse(
    Guid Id, string Name, string? Tier, Guid? CalendarId, IReadOnlyList<SlaTarget> Targets, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static SlaPolicyResponse From(SlaPolicy policy) => new(
        policy.Id, policy.Details.Name, policy.Details.Tier, policy.Details.CalendarId, policy.Details.Targets, policy.CreatedAt, policy.UpdatedAt, policy.Version);
}

/// <summary>What a ticket is measured against: its policy's targets for its priority and the hours they count in.</summary>
public sealed record SlaTerms(Guid? PolicyId, TimeSpan? FirstResponse, TimeSpan? Resolution, BusinessHours Hours)
{
    public static SlaTerms None { get; } = new(null, null, null, BusinessHours.AlwaysOpen);

    /// <summary>The policy of <paramref name="tier"/>, else the tenant's policy without a tier, else none.</summary>
    public static async Task<SlaTerms> ResolveAsync(SupportDb db, string? tier, TicketPriority priority, CancellationToken cancellationToken)
    {
        var policies = await db.SlaPolicies.AsNoTracking().Where(p => p.Details.Tier == tier || p.Details.Tier == null).ToListAsync(cancellationToken);
        var policy = policies.FirstOrDefault(p => tier is not null && p.Details.Tier == tier) ?? policies.FirstOrDefault(p => p.Details.Tier is null);
        if (policy is null)
        {
            return None;
        }

        var hours = BusinessHours.AlwaysOpen;
        if (policy.Details.CalendarId is { } calendarId
            && await db.BusinessCalendars.AsNoTracking().FirstOrDefaultAsync(c => c.Id == calendarId, cancellationToken) is { } calendar)
        {
            hours = calendar.ToHours();
        }

        var target = policy.Details.Targets.FirstOrDefault(t => t.Priority == WireNames<TicketPriority>.Of(priority));
        return target is null
            ? new SlaTerms(policy.Id, null, null, hours)
            : new SlaTerms(policy.Id, TimeSpan.FromMinutes(target.FirstResponseMinutes), TimeSpan.FromMinutes(target.ResolutionMinutes), hours);
    }
}

public static class SlaPolicyRequests
{
    public const int NameLength = 200;
    public const int TierLength = 64;

    /// <summary>A year of minutes: a target beyond it is a typo.</summary>
    private const int MaxMinutes = 366 * 24 * 60;

    public static readonly ResourceShape<SlaPolicy, SlaPolicyDetails, SlaPolicyRequest, SlaPolicyResponse> Shape = new(
        "/api/v1/sla-policies",
        "SLA policy",
        "SLA policies",
        "name; tier the service-contract tier it applies to (absent: the policy for tickets without a contract or whose tier has none; one policy per tier, 409); "
        + "calendarId a business calendar whose hours the targets count in (absent: every hour); targets a list of { priority: low|normal|high|urgent, "
        + "firstResponseMinutes, resolutionMinutes } with one entry per priority at most.",
        db => db.SlaPolicies,
        ValidateAsync,
        details => new SlaPolicyRequest(
            null, details.Name, details.Tier, details.CalendarId,
            [.. details.Targets.Select(t => new SlaTargetRequest(t.Priority, t.FirstResponseMinutes, t.ResolutionMinutes))]),
        SlaPolicy.Create,
        SlaPolicyResponse.From,
        request => request.Id);

    private static async Task<SlaPolicyDetails?> ValidateAsync(SlaPolicyRequest request, Guid? id, SupportDb db, FieldErrors errors, CancellationToken cancellationToken)
    {
        var name = errors.Required("name", request.Name, NameLength);
        var tier = errors.Optional("tier", request.Tier, TierLength)?.ToLowerInvariant();
        if (request.CalendarId is { } calendarId && !await db.BusinessCalendars.AnyAsync(c => c.Id == calendarId, cancellationToken))
        {
            errors.Add("calendarId", $"No business calendar with id {calendarId}.");
        }

        var targets = new List<SlaTarget>();
        if (request.Targets is not { Count: > 0 } requested)
        {
            errors.Add("targets", "At least one target is required.");
        }
        else
        {
            for (var i = 0; i < requested.Count; i++)
            {
                var target = requested[i];
                var field = $"targets[{i}]";
                if (target?.Priority is not { } priority || !WireNames<TicketPriority>.TryParse(priority, out _))
                {
                    errors.Add($"{field}.priority", $"One of: {string.Join(", ", WireNames<TicketPriority>.All)}.");
                    continue;
                }

                if (targets.Any(t => t.Priority == priority))
                {
                    errors.Add($"{field}.priority", "Each priority has one target at most.");
                }

                if (target.FirstResponseMinutes is not (> 0 and <= MaxMinutes))
                {
                    errors.Add($"{field}.firstResponseMinutes", $"A whole number of minutes from 1 to {MaxMinutes}.");
                }

                if (target.ResolutionMinutes is not (> 0 and <= MaxMinutes))
                {
                    errors.Add($"{field}.resolutionMinutes", $"A whole number of minutes from 1 to {MaxMinutes}.");
                }
                else if (target.FirstResponseMinutes > target.ResolutionMinutes)
                {
                    errors.Add($"{field}.resolutionMinutes", "Resolution cannot be due before the first response.");
                }

                targets.Add(new SlaTarget(priority, target.FirstResponseMinutes ?? 0, target.ResolutionMinutes ?? 0));
            }
        }

        return errors.IsEmpty ? new SlaPolicyDetails(name!, tier, request.CalendarId, targets) : null;
    }
}

internal sealed class SlaPolicyConfiguration : IEntityTypeConfiguration<SlaPolicy>
{
    public void Configure(EntityTypeBuilder<SlaPolicy> policy)
    {
        policy.ToTable("sla_policies");
        policy.HasKey(p => p.Id);
        policy.Property(p => p.Id).ValueGeneratedNever();
        policy.Property(p => p.Version).IsConcurrencyToken();
        policy.HasIndex(p => new { p.TenantId, p.Id });
        policy.ComplexProperty(p => p.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(SlaPolicyRequests.NameLength);
            details.Property(d => d.Tier).HasColumnName("tier").HasMaxLength(SlaPolicyRequests.TierLength);
            details.Property(d => d.CalendarId).HasColumnName("calendar_id");
            details.Property(d => d.Targets).HasColumnName("targets").HasColumnType("jsonb")
                .HasConversion(JsonColumn<IReadOnlyList<SlaTarget>>.Converter, JsonColumn<IReadOnlyList<SlaTarget>>.Comparer);
        });
    }
}
