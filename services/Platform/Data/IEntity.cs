namespace CrmCloud.Platform.Data;

/// <summary>A resource with a UUIDv7 id, listed in id order by <see cref="Api.PageQuery"/>.</summary>
public interface IEntity
{
    Guid Id { get; }
}
