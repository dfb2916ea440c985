using System.Text.Json.Serialization;

namespace CrmCloud.Support.Features.Tickets;

public enum TicketStatus
{
    [JsonStringEnumMemberName("new")]
    New,

    [JsonStringEnumMemberName("open")]
    Open,

    /// <summary>Waiting on the customer: the SLA clock is paused.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Waiting on a third party: the SLA clock is paused.</summary>
    [JsonStringEnumMemberName("on-hold")]
    OnHold,

    [JsonStringEnumMemberName("solved")]
    Solved,

    /// <summary>Final: a closed ticket no longer changes.</summary>
    [JsonStringEnumMemberName("closed")]
    Closed,
}

public enum TicketPriority
{
    [JsonStringEnumMemberName("low")]
    Low,

    [JsonStringEnumMemberName("normal")]
    Normal,

    [JsonStringEnumMemberName("high")]
    High,

    [JsonStringEnumMemberName("urgent")]
    Urgent,
}

public enum TicketChannel
{
    [JsonStringEnumMemberName("email")]
    Email,

    [JsonStringEnumMemberName("phone")]
    Phone,

    [JsonStringEnumMemberName("web")]
    Web,

    [JsonStringEnumMemberName("chat")]
    Chat,

    [JsonStringEnumMemberName("api")]
    Api,
}

public enum TicketKind
{
    /// <summary>The customer asked.</summary>
    [JsonStringEnumMemberName("reactive")]
    Reactive,

    /// <summary>The company reached out (a maintenance visit, a known problem).</summary>
    [JsonStringEnumMemberName("proactive")]
    Proactive,
}

public enum MessageVisibility
{
    /// <summary>A reply the requester sees.</summary>
    [JsonStringEnumMemberName("public")]
    Public,

    /// <summary>A note between agents only.</summary>
    [JsonStringEnumMemberName("internal")]
    Internal,
}
