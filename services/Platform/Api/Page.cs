namespace CrmCloud.Platform.Api;

/// <summary>One page of a list: <c>nextCursor</c> is absent on the last page (api.md).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
