using System.Text.Json.Serialization;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.People;

/// <summary>A person the tenant deals with. Changes go through <see cref="Change"/>, which keeps the version.</summary>
public sealed class Person : VersionedResource<PersonDetails>
{
    private Person()
    {
    }

    public static Person Create(string tenantId, Guid id, PersonDetails details, DateTimeOffset now)
    {
        var created = new Person();
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    public ContactCreated Created() => new(TenantId, Id, Version, Snapshot(), CreatedAt);

    public ContactUpdated Updated() => new(TenantId, Id, Version, Snapshot(), UpdatedAt);

    public ContactDeleted Deleted(DateTimeOffset now) => new(TenantId, Id, Version + 1, now);

    /// <summary>This person survived a merge of <paramref name="merged"/>; call after <see cref="Change"/>.</summary>
    public ContactsMerged Merged(IEnumerable<Person> merged) =>
        new(TenantId, Id, Version, Snapshot(), [.. merged.Select(person => new MergedContact(person.Id, person.Version + 1))], UpdatedAt);

    private ContactSnapshot Snapshot()
    {
        var details = Details;
        return new(details.FirstName, details.LastName, details.Email, details.Phone, details.JobTitle, details.CompanyId)
        {
            Emails = [.. details.Emails.Select(email => email.Address)],
            Phones = [.. details.Phones.Select(phone => phone.Number)],
            Address = details.Address is { } address ? new AddressSnapshot(address.Street, address.City, address.Region, address.PostalCode, address.Country) : null,
            Language = details.Language,
            PreferredChannel = WireName(details.PreferredChannel),
            Source = details.Source,
            LifecycleStage = WireName(details.LifecycleStage),
            Relationship = WireName(details.Relationship),
            OwnerId = details.OwnerId,
            Tags = details.Tags,
            BirthDate = details.Demographics?.BirthDate,
            Gender = WireName(details.Demographics?.Gender),
            IncomeBand = WireName(details.Demographics?.IncomeBand),
            PurchasePurpose = WireName(details.Demographics?.PurchasePurpose),
            PaymentMethod = WireName(details.Demographics?.PaymentMethod),
            CustomFields = details.CustomFields,
        };
    }

    private static string? WireName<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value is { } known ? WireNames<TEnum>.Of(known) : null;
}

/// <summary>
/// What a caller says about a person, validated and normalised by <see cref="PersonRequests"/>: at most one
/// email and one phone are primary, and when there are any, one is. <see cref="Email"/> and
/// <see cref="Phone"/> are the primary ones, stored in columns of their own for search and duplicates.
/// <see cref="CompanyId"/> is the company of the tenant the person works for.
/// </summary>
public sealed record PersonDetails(
    string FirstName,
    string LastName,
    EmailAddress[] Emails,
    PhoneNumber[] Phones,
    string? JobTitle,
    Guid? CompanyId,
    PostalAddress? Address,
    string? Language,
    ContactChannel? PreferredChannel,
    string? Source,
    LifecycleStage? LifecycleStage,
    Relationship? Relationship,
    string? OwnerId,
    string[] Tags,
    Demographics? Demographics)
{
    /// <summary>Checked against the tenant's definitions by <see cref="CustomFieldSchema"/>, not by <see cref="PersonRequests"/>.</summary>
    public CustomFieldValues CustomFields { get; init; } = CustomFieldValues.None;

    /// <summary>
    /// The primary email address, always the one in <see cref="Emails"/> (also after <c>with</c>); the setter
    /// exists only so EF Core maps the column, and ignores what it reads.
    /// </summary>
    public string? Email
    {
        get => Emails.FirstOrDefault(email => email.Primary)?.Address;
        private init => _ = value;
    }

    /// <summary>The primary phone number, always the one in <see cref="Phones"/>.</summary>
    public string? Phone
    {
        get => Phones.FirstOrDefault(phone => phone.Primary)?.Number;
        private init => _ = value;
    }

    /// <summary>Equal when every field is, lists compared in order (an array alone compares by reference).</summary>
    public bool Equals(PersonDetails? other) =>
        other is not null
        && FirstName == other.FirstName
        && LastName == other.LastName
        && Emails.SequenceEqual(other.Emails)
        && Phones.SequenceEqual(other.Phones)
        && JobTitle == other.JobTitle
        && CompanyId == other.CompanyId
        && Address == other.Address
        && Language == other.Language
        && PreferredChannel == other.PreferredChannel
        && Source == other.Source
        && LifecycleStage == other.LifecycleStage
        && Relationship == other.Relationship
        && OwnerId == other.OwnerId
        && Tags.SequenceEqual(other.Tags, StringComparer.Ordinal)
        && Demographics == other.Demographics
        && CustomFields.Equals(other.CustomFields);

    public override int GetHashCode() => HashCode.Combine(FirstName, LastName, Email, CompanyId, OwnerId, Tags.Length);
}

/// <summary>One of a person's email addresses; <c>label</c> says which (work, home, …).</summary>
public sealed record EmailAddress(string Address, string? Label, bool Primary);

/// <summary>One of a person's phone numbers; <c>label</c> says which (mobile, work, …).</summary>
public sealed record PhoneNumber(string Number, string? Label, bool Primary);

/// <summary>The demographic facts a tenant may collect about a person, each optional.</summary>
public sealed record Demographics(
    DateOnly? BirthDate,
    Gender? Gender,
    IncomeBand? IncomeBand,
    PurchasePurpose? PurchasePurpose,
    PaymentMethod? PaymentMethod);

/// <summary>The way a person prefers to be reached.</summary>
public enum ContactChannel
{
    [JsonStringEnumMemberName("email")]
    Email,

    [JsonStringEnumMemberName("phone")]
    Phone,

    [JsonStringEnumMemberName("sms")]
    Sms,

    [JsonStringEnumMemberName("post")]
    Post,
}

/// <summary>How far along a person is in becoming (and staying) a customer.</summary>
public enum LifecycleStage
{
    [JsonStringEnumMemberName("subscriber")]
    Subscriber,

    [JsonStringEnumMemberName("lead")]
    Lead,

    [JsonStringEnumMemberName("opportunity")]
    Opportunity,

    [JsonStringEnumMemberName("customer")]
    Customer,

    [JsonStringEnumMemberName("churned")]
    Churned,
}

public enum Gender
{
    [JsonStringEnumMemberName("female")]
    Female,

    [JsonStringEnumMemberName("male")]
    Male,

    [JsonStringEnumMemberName("diverse")]
    Diverse,

    [JsonStringEnumMemberName("undisclosed")]
    Undisclosed,
}

/// <summary>A household income band, as the tenant's forms ask it.</summary>
public enum IncomeBand
{
    [JsonStringEnumMemberName("low")]
    Low,

    [JsonStringEnumMemberName("lower-middle")]
    LowerMiddle,

    [JsonStringEnumMemberName("middle")]
    Middle,

    [JsonStringEnumMemberName("upper-middle")]
    UpperMiddle,

    [JsonStringEnumMemberName("high")]
    High,
}

/// <summary>What the person buys for.</summary>
public enum PurchasePurpose
{
    [JsonStringEnumMemberName("personal")]
    Personal,

    [JsonStringEnumMemberName("business")]
    Business,

    [JsonStringEnumMemberName("gift")]
    Gift,

    [JsonStringEnumMemberName("resale")]
    Resale,
}

/// <summary>How the person usually pays.</summary>
public enum PaymentMethod
{
    [JsonStringEnumMemberName("card")]
    Card,

    [JsonStringEnumMemberName("invoice")]
    Invoice,

    [JsonStringEnumMemberName("direct-debit")]
    DirectDebit,

    [JsonStringEnumMemberName("bank-transfer")]
    BankTransfer,

    [JsonStringEnumMemberName("cash")]
    Cash,

    [JsonStringEnumMemberName("wallet")]
    Wallet,
}
