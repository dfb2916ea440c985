using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CrmCloud.Platform.Api;

/// <summary>Optimistic concurrency over HTTP: the ETag is the resource's version.</summary>
public static class ETags
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>
    /// True when the request has no <c>If-Match</c>, or one that names <paramref name="version"/> (or <c>*</c>);
    /// false means the caller changed a version that is no longer current: 412.
    /// </summary>
    public static bool Matches(HttpRequest request, long version)
    {
        var ifMatch = request.Headers.IfMatch;
        if (ifMatch.Count == 0)
        {
            return true;
        }

        var current = For(version);
        return EntityTagHeaderValue.TryParseList(ifMatch, out var tags)
            && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Equals(current, StringComparison.Ordinal) || tag.Tag.Equals(current.Trim('"'), StringComparison.Ordinal));
    }

    public static void Write(HttpResponse response, long version) => response.Headers.ETag = For(version);
}
