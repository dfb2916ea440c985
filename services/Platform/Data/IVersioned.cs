namespace CrmCloud.Platform.Data;

/// <summary>A resource whose version is its ETag: callers change it with If-Match.</summary>
public interface IVersioned : IEntity
{
    long Version { get; }
}
