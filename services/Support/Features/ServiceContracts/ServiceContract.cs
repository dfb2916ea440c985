using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.ServiceContracts;

/// <summary>
/// What a customer (a company, or a person on their own) is entitled to: a tier (such as <c>gold</c>) for a period.
/// A ticket opened while a contract is valid is measured by the SLA policy of its tier.
/// </summary>
public sealed class ServiceContract : VersionedResource<ServiceContractDetails>
{
    private ServiceContract()
    {
    }

    public static ServiceContract Create(string tenantId, Guid id, ServiceContractDetails details, DateTimeOffset now)
    {
        var contract = new ServiceContract();
        contract.Initialize(tenantId, id, details, now);
        return contract;
    }

    /// <summary>
    /// The tier of the contract valid on <paramref name="today"/> for the ticket's company, else for its requester;
    /// with several, the one that started last.
    /// </summary>
    public static async Task<string?> TierForAsync(SupportDb db, Guid? personId, Guid? companyId, DateOnly today, CancellationToken cancellationToken)
    {
        if (personId is null && companyId is null)
        {
            return null;
        }

        var valid = await db.ServiceContracts.AsNoTracking()
            .Where(c => c.Details.ValidFrom <= today && (c.Details.ValidUntil == null || c.Details.ValidUntil >= today))
            .Where(c => (companyId != null && c.Details.CompanyId == companyId) || (personId != null && c.Details.PersonId == personId))
            .ToListAsync(cancellationToken);
        return valid
            .OrderByDescending(c => companyId is not null && c.Details.CompanyId == companyId)
            .ThenByDescending(c => c.Details.ValidFrom)
            .Select(c => c.Details.Tier)
            .FirstOrDefault();
    }
}

public sealed record ServiceContractDetails(string Name, Guid? PersonId, Guid? CompanyId, string Tier, DateOnly ValidFrom, DateOnly? ValidUntil);

public sealed record ServiceContractRequest(Guid? Id, string? Name, Guid? PersonId, Guid? CompanyId, string? Tier, DateOnly? ValidFrom, DateOnly? ValidUntil);

public sealed record ServiceContractResponse(
    Guid Id, string Name, Guid? PersonId, Guid? CompanyId, string Tier, DateOnly ValidFrom, DateOnly? ValidUntil,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static ServiceContractResponse From(ServiceContract contract)
    {
        var d = contract.Details;
        return new(contract.Id, d.Name, d.PersonId, d.CompanyId, d.Tier, d.ValidFrom, d.ValidUntil, contract.CreatedAt, contract.UpdatedAt, contract.Version);
    }
}

public static class ServiceContractRequests
{
    public static readonly ResourceShape<ServiceContract, ServiceContractDetails, ServiceContractRequest, ServiceContractResponse> Shape = new(
        "/api/v1/service-contracts",
        "service contract",
        "Service contracts",
        "name; the customer as companyId and/or personId (from contacts; one is required); tier (lower-cased, e.g. gold) names the SLA policy "
        + "that applies; validFrom and optional validUntil are dates (YYYY-MM-DD), both days included.",
        db => db.ServiceContracts,
        (request, _, _, errors, _) => Task.FromResult(Validate(request, errors)),
        d => new ServiceContractRequest(null, d.Name, d.PersonId, d.CompanyId, d.Tier, d.ValidFrom, d.ValidUntil),
        ServiceContract.Create,
        ServiceContractResponse.From,
        request => request.Id);

    private static ServiceContractDetails? Validate(ServiceContractRequest request, FieldErrors errors)
    {
        var name = errors.Required("name", request.Name, 200);
        var tier = errors.Required("tier", request.Tier, 64)?.ToLowerInvariant();
        if (request.PersonId is null && request.CompanyId is null)
        {
            errors.Add("companyId", "A contract is for a company or a person: give companyId or personId.");
        }

        if (request.PersonId == Guid.Empty)
        {
            errors.Add("personId", "The id must not be the empty UUID.");
        }

        if (request.CompanyId == Guid.Empty)
        {
            errors.Add("companyId", "The id must not be the empty UUID.");
        }

        if (request.ValidFrom is null)
        {
            errors.Add("validFrom", "This field is required.");
        }
        else if (request.ValidUntil < request.ValidFrom)
        {
            errors.Add("validUntil", "The contract cannot end before it starts.");
        }

        return errors.IsEmpty ? new ServiceContractDetails(name!, request.PersonId, request.CompanyId, tier!, request.ValidFrom!.Value, request.ValidUntil) : null;
    }
}

internal sealed class ServiceContractConfiguration : IEntityTypeConfiguration<ServiceContract>
{
    public void Configure(EntityTypeBuilder<ServiceContract> contract)
    {
        contract.ToTable("service_contracts");
        contract.HasKey(c => c.Id);
        contract.Property(c => c.Id).ValueGeneratedNever();
        contract.Property(c => c.Version).IsConcurrencyToken();
        contract.HasIndex(c => new { c.TenantId, c.Id });
        contract.ComplexProperty(c => c.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(200);
            details.Property(d => d.PersonId).HasColumnName("person_id");
            details.Property(d => d.CompanyId).HasColumnName("company_id");
            details.Property(d => d.Tier).HasColumnName("tier").HasMaxLength(64);
            details.Property(d => d.ValidFrom).HasColumnName("valid_from");
            details.Property(d => d.ValidUntil).HasColumnName("valid_until");
        });
    }
}
