using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Campaign.Features.Segments;

/// <summary>A segment to create: <c>kind</c> dynamic (the default, with <c>criteria</c>) or static (people added to its list).</summary>
public sealed record CreateSegmentRequest(Guid? Id, string? Name, string? Description, string? Kind, JsonElement? Criteria);

public sealed record SegmentResponse(
    Guid Id, string Name, string? Description, string Kind, JsonElement? Criteria, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static SegmentResponse From(Segment segment) => new(
        segment.Id,
        segment.Details.Name,
        segment.Details.Description,
        WireNames<SegmentKind>.Of(segment.Details.Kind),
        segment.Details.Criteria is { } criteria ? JsonDocument.Parse(criteria).RootElement.Clone() : null,
        segment.CreatedAt,
        segment.UpdatedAt,
        segment.Version);
}

public sealed record SegmentCountResponse(Guid SegmentId, long Count);

/// <summary>People to add to a static segment's list (at most 500 at once).</summary>
public sealed record SegmentListRequest(IReadOnlyList<Guid>? PersonIds);

public sealed record SegmentListResponse(int Added);

public static class SegmentRequests
{
    public const int NameLength = 200;
    public const int DescriptionLength = 2000;
    public const int MaxListBatch = 500;

    private static readonly HashSet<string> Patchable = ["name", "description", "criteria"];

    public static SegmentDetails? Validate(this CreateSegmentRequest request, DateOnly today, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        var kind = SegmentKind.Dynamic;
        if (request.Kind is not null && !WireNames<SegmentKind>.TryParse(request.Kind, out kind))
        {
            errors.Add("kind", $"Expected one of {string.Join(", ", WireNames<SegmentKind>.All)}.");
        }

        return Normalise(request.Name, request.Description, kind, request.Criteria, today, errors);
    }

    public static SegmentDetails? ApplyPatch(this SegmentDetails current, JsonElement body, DateOnly today, FieldErrors errors)
    {
        if (MergePatch.Read(body, Patchable, errors) is not { } patch)
        {
            return null;
        }

        JsonElement? criteria = current.Criteria is { } text ? JsonDocument.Parse(text).RootElement.Clone() : null;
        if (patch.Has("criteria"))
        {
            var patched = body.GetProperty("criteria");
            criteria = patched.ValueKind == JsonValueKind.Null ? null : patched;
        }

        return Normalise(
            patch.Text("name", current.Name, errors), patch.Text("description", current.Description, errors), current.Kind, criteria, today, errors);
    }

    private static SegmentDetails? Normalise(string? name, string? description, SegmentKind kind, JsonElement? criteria, DateOnly today, FieldErrors errors)
    {
        var checkedName = errors.Required("name", name, NameLength);
        var checkedDescription = errors.Optional("description", description, DescriptionLength);
        string? criteriaText = null;
        if (kind == SegmentKind.Static)
        {
            if (criteria is { ValueKind: not JsonValueKind.Null })
            {
                errors.Add("criteria", "A static segment has no criteria: add people to its list instead.");
            }
        }
        else if (criteria is not { ValueKind: not JsonValueKind.Null } document)
        {
            errors.Add("criteria", "A dynamic segment needs criteria.");
        }
        else if (SegmentCriteria.Translate(document, today, errors) is not null)
        {
            criteriaText = document.GetRawText();
        }

        return errors.IsEmpty ? new SegmentDetails(checkedName!, checkedDescription, kind, criteriaText) : null;
    }
}
