using System.Text.Json.Serialization;

namespace CrmCloud.Contacts.Features;

/// <summary>What a person or company is to the tenant.</summary>
public enum Relationship
{
    [JsonStringEnumMemberName("prospect")]
    Prospect,

    [JsonStringEnumMemberName("customer")]
    Customer,

    [JsonStringEnumMemberName("supplier")]
    Supplier,

    [JsonStringEnumMemberName("partner")]
    Partner,
}
