using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.Assets;

/// <summary>
/// Equipment installed at a customer. With a maintenance interval, a proactive ticket opens for its contact person on each
/// due date, and the next due date moves on by the interval.
/// </summary>
public sealed class Asset : VersionedResource<AssetDetails>
{
    private Asset()
    {
    }

    /// <summary>When the next maintenance ticket opens (UTC date); null without a schedule.</summary>
    public DateOnly? NextMaintenanceOn { get; private set; }

    public static Asset Create(string tenantId, Guid id, AssetDetails details, DateTimeOffset now)
    {
        var asset = new Asset();
        asset.Initialize(tenantId, id, details, now);
        asset.Schedule();
        return asset;
    }

    /// <summary>Follows a changed schedule: the first visit is the given date, or an interval after installation (or today).</summary>
    public void Schedule(DateOnly? today = null)
    {
        NextMaintenanceOn = Details.MaintenanceEveryDays is { } days
            ? Details.FirstMaintenanceOn ?? (Details.InstalledOn ?? today ?? DateOnly.FromDateTime(CreatedAt.UtcDateTime)).AddDays(days)
            : null;
    }

    /// <summary>The visit due on <see cref="NextMaintenanceOn"/> has its ticket: the next one is an interval later.</summary>
    public void MaintenanceOpened(DateTimeOffset now)
    {
        NextMaintenanceOn = NextMaintenanceOn?.AddDays(Details.MaintenanceEveryDays ?? 0);
        Touch(now);
    }
}

public sealed record AssetDetails(
    string Product, string? SerialNumber, Guid PersonId, Guid? CompanyId, DateOnly? InstalledOn, DateOnly? WarrantyEndsOn, int? MaintenanceEveryDays, DateOnly? FirstMaintenanceOn);

public sealed record AssetRequest(
    Guid? Id, string? Product, string? SerialNumber, Guid? PersonId, Guid? CompanyId, DateOnly? InstalledOn, DateOnly? WarrantyEndsOn, int? MaintenanceEveryDays, DateOnly? FirstMaintenanceOn);

public sealed record AssetResponse(
    Guid Id, string Product, string? SerialNumber, Guid PersonId, Guid? CompanyId, DateOnly? InstalledOn, DateOnly? WarrantyEndsOn, int? MaintenanceEveryDays,
    DateOnly? FirstMaintenanceOn, DateOnly? NextMaintenanceOn, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static AssetResponse From(Asset a)
    {
        var d = a.Details;
        return new(a.Id, d.Product, d.SerialNumber, d.PersonId, d.CompanyId, d.InstalledOn, d.WarrantyEndsOn, d.MaintenanceEveryDays, d.FirstMaintenanceOn, a.NextMaintenanceOn, a.CreatedAt, a.UpdatedAt, a.Version);
    }
}

public static class AssetRequests
{
    public static readonly ResourceShape<Asset, AssetDetails, AssetRequest, AssetResponse> Shape = new(
        "/api/v1/assets",
        "asset",
        "Assets",
        "product (required), serialNumber, personId (the customer's contact, a person from contacts: maintenance tickets are opened for them), companyId, "
        + "installedOn and warrantyEndsOn dates; maintenanceEveryDays (1 to 3660) schedules proactive maintenance tickets, the first on firstMaintenanceOn "
        + "or an interval after installation. nextMaintenanceOn shows the next one.",
        db => db.Assets,
        ValidateAsync,
        d => new AssetRequest(null, d.Product, d.SerialNumber, d.PersonId, d.CompanyId, d.InstalledOn, d.WarrantyEndsOn, d.MaintenanceEveryDays, d.FirstMaintenanceOn),
        Asset.Create,
        AssetResponse.From,
        request => request.Id,
        asset => asset.Schedule());

    private static async Task<AssetDetails?> ValidateAsync(AssetRequest request, Guid? id, SupportDb db, FieldErrors errors, CancellationToken cancellationToken)
    {
        var product = errors.Required("product", request.Product, 200);
        var serial = errors.Optional("serialNumber", request.SerialNumber, 100);
        if (request.PersonId is not { } person || person == Guid.Empty)
        {
            errors.Add("personId", "This field is required.");
        }
        else if (!await db.Requesters.AnyAsync(r => r.PersonId == person && !r.IsDeleted, cancellationToken))
        {
            errors.Add("personId", $"No requester with person id {person}: support knows the tenant's people from contacts.");
        }

        if (request.CompanyId == Guid.Empty)
        {
            errors.Add("companyId", "The id must not be the empty UUID.");
        }

        if (request.WarrantyEndsOn < request.InstalledOn)
        {
            errors.Add("warrantyEndsOn", "The warranty cannot end before the installation.");
        }

        if (request.MaintenanceEveryDays is not null and not (>= 1 and <= 3660))
        {
            errors.Add("maintenanceEveryDays", "A whole number of days from 1 to 3660.");
        }

        if (request.FirstMaintenanceOn is not null && request.MaintenanceEveryDays is null)
        {
            errors.Add("firstMaintenanceOn", "Only with maintenanceEveryDays.");
        }

        return errors.IsEmpty
            ? new AssetDetails(product!, serial, request.PersonId!.Value, request.CompanyId, request.InstalledOn, request.WarrantyEndsOn, request.MaintenanceEveryDays, request.FirstMaintenanceOn)
            : null;
    }
}

internal sealed class AssetConfiguration : IEntityTypeConfiguration<Asset>
{
    public void Configure(EntityTypeBuilder<Asset> asset)
    {
        asset.ToTable("assets");
        asset.HasKey(a => a.Id);
        asset.Property(a => a.Id).ValueGeneratedNever();
        asset.Property(a => a.Version).IsConcurrencyToken();
        asset.HasIndex(a => new { a.TenantId, a.Id });
        // What the maintenance scheduler scans.
        asset.HasIndex(a => a.NextMaintenanceOn).HasFilter("next_maintenance_on IS NOT NULL");
        asset.ComplexProperty(a => a.Details, details =>
        {
            details.Property(d => d.Product).HasColumnName("product").HasMaxLength(200);
            details.Property(d => d.SerialNumber).HasColumnName("serial_number").HasMaxLength(100);
            details.Property(d => d.PersonId).HasColumnName("person_id");
            details.Property(d => d.CompanyId).HasColumnName("company_id");
            details.Property(d => d.InstalledOn).HasColumnName("installed_on");
            details.Property(d => d.WarrantyEndsOn).HasColumnName("warranty_ends_on");
            details.Property(d => d.MaintenanceEveryDays).HasColumnName("maintenance_every_days");
            details.Property(d => d.FirstMaintenanceOn).HasColumnName("first_maintenance_on");
        });
    }
}
