using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.LeadForms;

/// <summary>
/// A web form a tenant embeds on its site to capture leads. Its key authenticates the public capture endpoint and
/// names the tenant; only the key's hash is stored, so the key is shown once, when it is issued.
/// </summary>
public sealed class LeadForm : VersionedResource<LeadFormDetails>
{
    private const string KeyPrefix = "lf_";

    private LeadForm()
    {
    }

    /// <summary>The SHA-256 of the key, hex; unique across tenants, since the key alone finds the form.</summary>
    public string KeyHash { get; private set; } = "";

    /// <summary>The key's last characters, to tell keys apart without revealing them.</summary>
    public string KeyHint { get; private set; } = "";

    public DateTimeOffset KeyIssuedAt { get; private set; }

    /// <returns>The form and its key, which is not stored.</returns>
    public static (LeadForm Form, string Key) Create(string tenantId, Guid id, LeadFormDetails details, DateTimeOffset now)
    {
        var created = new LeadForm();
        created.Initialize(tenantId, id, details, now);
        return (created, created.IssueKey(now));
    }

    /// <summary>Replaces the key: the old one stops working at once.</summary>
    /// <returns>The new key, which is not stored.</returns>
    public string RotateKey(DateTimeOffset now)
    {
        var key = IssueKey(now);
        Touch(now);
        return key;
    }

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private string IssueKey(DateTimeOffset now)
    {
        var key = KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        KeyHash = HashOf(key);
        KeyHint = key[^4..];
        KeyIssuedAt = now;
        return key;
    }
}

/// <summary>
/// What a caller says about a lead form: leads it captures are owned by <see cref="DefaultOwnerId"/> and attributed to
/// <see cref="CampaignId"/>; it accepts <see cref="AllowedFields"/> (email always) and at most
/// <see cref="RateLimitPerMinute"/> submissions a minute; an inactive form captures nothing. A browser that posted the
/// form itself is sent on to <see cref="RedirectUrl"/> (the site's thank-you page) when there is one.
/// </summary>
public sealed record LeadFormDetails(string Name, string? DefaultOwnerId, Guid? CampaignId, string[] AllowedFields, int RateLimitPerMinute, bool Active, string? RedirectUrl)
{
    /// <summary>Equal when every field is, the fields compared in order (an array alone compares by reference).</summary>
    public bool Equals(LeadFormDetails? other) =>
        other is not null && Name == other.Name && DefaultOwnerId == other.DefaultOwnerId && CampaignId == other.CampaignId
        && AllowedFields.SequenceEqual(other.AllowedFields, StringComparer.Ordinal) && RateLimitPerMinute == other.RateLimitPerMinute && Active == other.Active && RedirectUrl == other.RedirectUrl;

    public override int GetHashCode() => HashCode.Combine(Name, DefaultOwnerId, CampaignId, AllowedFields.Length, RateLimitPerMinute, Active);
}

/// <summary>
/// How many submissions a form had in one minute: one row per form and window, counted up atomically by every
/// instance of the service, so the limit holds however many run.
/// </summary>
public sealed class LeadCaptureWindow
{
    public Guid FormId { get; private set; }

    public DateTimeOffset WindowStart { get; private set; }

    public int Count { get; private set; }
}

internal sealed class LeadFormConfiguration : IEntityTypeConfiguration<LeadForm>
{
    public void Configure(EntityTypeBuilder<LeadForm> form)
    {
        form.ToTable("lead_forms");
        form.HasKey(f => f.Id);
        form.Property(f => f.Id).ValueGeneratedNever();
        form.Property(f => f.Version).IsConcurrencyToken();
        form.HasIndex(f => new { f.TenantId, f.Id });
        form.Property(f => f.KeyHash).HasMaxLength(64);
        form.HasIndex(f => f.KeyHash).IsUnique();
        form.Property(f => f.KeyHint).HasMaxLength(8);
        form.ComplexProperty(f => f.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(LeadFormRequests.NameLength);
            details.Property(d => d.DefaultOwnerId).HasColumnName("default_owner_id").HasMaxLength(LeadFormRequests.OwnerLength);
            details.Property(d => d.CampaignId).HasColumnName("campaign_id");
            details.PrimitiveCollection(d => d.AllowedFields).HasColumnName("allowed_fields").HasColumnType("text[]");
            details.Property(d => d.RateLimitPerMinute).HasColumnName("rate_limit_per_minute");
            details.Property(d => d.Active).HasColumnName("active");
            details.Property(d => d.RedirectUrl).HasColumnName("redirect_url").HasMaxLength(LeadFormRequests.UrlLength);
        });
    }
}

internal sealed class LeadCaptureWindowConfiguration : IEntityTypeConfiguration<LeadCaptureWindow>
{
    public void Configure(EntityTypeBuilder<LeadCaptureWindow> window)
    {
        window.ToTable("lead_capture_windows");
        window.HasKey(w => new { w.FormId, w.WindowStart });
    }
}
