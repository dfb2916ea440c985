using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Customers;

/// <summary>Sales' reference to a person from contacts: who an opportunity or order is for.</summary>
public sealed class Customer : ContactCopy
{
    public string Name { get; private set; } = "";

    public string? Email { get; private set; }

    protected override void Copy(ContactSnapshot contact)
    {
        Name = $"{contact.FirstName} {contact.LastName}".Trim();
        Email = contact.Email;
    }
}

public sealed record CustomerResponse(Guid Id, Guid PersonId, string Name, string? Email, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static CustomerResponse From(Customer customer) =>
        new(customer.Id, customer.PersonId, customer.Name, customer.Email, customer.CreatedAt, customer.UpdatedAt, customer.Version);
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> customer)
    {
        customer.ToTable("customers");
        ContactCopy.Configure(customer);
        customer.Property(c => c.Name).HasMaxLength(201);
        customer.Property(c => c.Email).HasMaxLength(254);
    }
}
