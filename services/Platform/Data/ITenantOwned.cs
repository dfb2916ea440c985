namespace CrmCloud.Platform.Data;

/// <summary>
/// A row that belongs to one tenant. <see cref="ServiceDb"/> filters every query by the current
/// tenant and stamps it on insert, so handlers never have to remember either.
/// </summary>
public interface ITenantOwned
{
    string TenantId { get; }
}
