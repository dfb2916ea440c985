using System.Text.Json;

namespace CrmCloud.Reliability.Tests;

/// <summary>What every answer of the system must be, whatever was asked: never a 5xx, and every 4xx a problem document.</summary>
public static class Answers
{
    /// <summary>Why the answer is wrong, or null when it is as it must be.</summary>
    public static string? Fault(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return $"answered {status}: {Shorten(body)}";
        }

        if (status < 400)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"answered {status} as '{response.Content.Headers.ContentType?.MediaType ?? "no content type"}', not a problem document: {Shorten(body)}";
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            var hasStatus = root.TryGetProperty("status", out var statusMember) && statusMember.ValueKind == JsonValueKind.Number && statusMember.GetInt32() == status;
            var hasTitle = root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String && title.GetString()!.Length > 0;
            return hasStatus && hasTitle ? null : $"answered {status} with a problem document lacking status {status} or a title: {Shorten(body)}";
        }
        catch (JsonException)
        {
            return $"answered {status} with a problem document that is not JSON: {Shorten(body)}";
        }
    }

    public static string Shorten(string text) => text.Length > 600 ? $"{text[..600]}..." : text;
}
