namespace CrmCloud.Platform.Data;

/// <summary>Ids for new resources: UUIDv7, so they sort by creation time and index well.</summary>
public static class Ids
{
    public static Guid New() => Guid.CreateVersion7();
}
