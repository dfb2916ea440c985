using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Sales.Features.Pipelines;

/// <summary>
/// A pipeline to create. Stages go in the order opportunities move through them; a stage's <c>id</c> may be given
/// (to keep a stage across a patch), otherwise the service assigns one.
/// </summary>
public sealed record CreatePipelineRequest(Guid? Id, string? Name, bool? IsDefault, StageRequest?[]? Stages);

public sealed record StageRequest(Guid? Id, string? Name, int? Probability);

public sealed record PipelineResponse(
    Guid Id,
    string Name,
    bool IsDefault,
    IReadOnlyList<PipelineStage> Stages,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static PipelineResponse From(Pipeline pipeline) => new(
        pipeline.Id,
        pipeline.Details.Name,
        pipeline.Details.IsDefault,
        pipeline.Details.Stages,
        pipeline.CreatedAt,
        pipeline.UpdatedAt,
        pipeline.Version);
}

/// <summary>The rules a pipeline follows, on create and on every patch.</summary>
public static class PipelineRequests
{
    public const int NameLength = 200;
    public const int StageNameLength = 100;
    public const int MaxStages = 20;

    private static readonly HashSet<string> Patchable = ["name", "isDefault", "stages"];

    /// <summary>The pipeline a tenant gets when it first needs one and has none.</summary>
    public static PipelineDetails StandardDefault() => new(
        "Sales pipeline",
        true,
        [
            new(Ids.New(), "Qualification", 10),
            new(Ids.New(), "Needs analysis", 25),
            new(Ids.New(), "Proposal", 50),
            new(Ids.New(), "Negotiation", 75),
        ]);

    public static PipelineDetails? Validate(this CreatePipelineRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        return Normalise(request, errors);
    }

    /// <summary>Stages are replaced whole (a stage keeps its identity when its id is given); the other fields one by one.</summary>
    public static PipelineDetails? ApplyPatch(this PipelineDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var patched = new CreatePipelineRequest(
            null,
            patch.Text("name", current.Name, errors),
            patch.Value<bool?>("isDefault", current.IsDefault, json, errors),
            patch.Has("stages")
                ? patch.Value<StageRequest?[]>("stages", null, json, errors)
                : [.. current.Stages.Select(stage => new StageRequest(stage.Id, stage.Name, stage.Probability))]);
        if (patch.Has("isDefault") && patched.IsDefault is null)
        {
            errors.Add("isDefault", "Expected true or false.");
        }

        return errors.IsEmpty ? Normalise(patched, errors) : null;
    }

    private static PipelineDetails? Normalise(CreatePipelineRequest request, FieldErrors errors)
    {
        var name = errors.Required("name", request.Name, NameLength);
        var stages = Stages(request.Stages, errors);
        return errors.IsEmpty ? new PipelineDetails(name!, request.IsDefault ?? false, stages) : null;
    }

    private static PipelineStage[] Stages(StageRequest?[]? requests, FieldErrors errors)
    {
        if (requests is not { Length: > 0 } || requests.Length > MaxStages)
        {
            errors.Add("stages", $"From 1 to {MaxStages} stages.");
            return [];
        }

        var stages = new List<PipelineStage>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ids = new HashSet<Guid>();
        for (var index = 0; index < requests.Length; index++)
        {
            var field = $"stages[{index}]";
            if (requests[index] is not { } request)
            {
                errors.Add(field, "Expected a stage with name and probability.");
                continue;
            }

            if (request.Id == Guid.Empty || (request.Id is { } given && !ids.Add(given)))
            {
                errors.Add($"{field}.id", "Each stage has its own id, not the empty UUID.");
            }

            var name = errors.Required($"{field}.name", request.Name, StageNameLength);
            if (name is not null && !names.Add(name))
            {
                errors.Add($"{field}.name", "Each stage name once in a pipeline (ignoring case).");
            }

            if (request.Probability is not (>= 0 and <= 100))
            {
                errors.Add($"{field}.probability", "A whole percentage from 0 to 100.");
            }

            stages.Add(new PipelineStage(request.Id ?? Ids.New(), name ?? "", request.Probability ?? 0));
        }

        return [.. stages];
    }
}
