using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Contacts.Features.Imports;

public static class ImportEndpoints
{
    private const string Resource = "import";

    public static RouteGroupBuilder MapImports(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/api/v1/imports").WithTags("Imports");

        imports.MapPost("/", Create)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("CreateImport")
            .WithSummary("Import people from a CSV file")
            .WithDescription(
                "multipart/form-data with file (CSV: UTF-8, comma-separated, RFC 4180 quoting, the first row naming the columns; "
                + $"at most {ImportRequests.MaxFileBytes / (1024 * 1024)} MiB, 413 above), "
                + "mapping (optional JSON object of CSV column → person field, the field names of POST /api/v1/people; "
                + "without it, columns named after a field map to it, ignoring case, spaces, dashes and underscores) and "
                + "dedupe (skip, the default, update or create: what a row does when a person of the tenant already has its email, ignoring case; "
                + "update changes that person's fields to the row's non-blank cells). "
                + "Answers 202 with Location and the queued job; it runs in the background: follow it with GET /api/v1/imports/{id}. "
                + "Each row is validated as POST /api/v1/people validates a person: a bad row is reported with its row number and field "
                + "and the others are imported, each publishing ContactCreated (or ContactUpdated). "
                + "A missing file, one that is not CSV, a mapping naming a missing column or an unknown field, or an unknown dedupe is a 400 naming the field.")
            .Accepts<ImportUpload>("multipart/form-data")
            .WithMetadata(new RequestSizeLimitAttribute(ImportRequests.MaxFileBytes))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        imports.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("GetImport")
            .WithSummary("Get an import job: its progress and row errors")
            .WithDescription(
                "status is queued, running, completed or failed; rows counts the file's data rows, processedRows those done so far, "
                + $"and created, updated, skipped and failed what became of them. errors lists the first {ImportJob.MaxStoredErrors} row errors "
                + "(row counts the header as row 1; field names the person field, or row for a row that is not well-formed CSV); "
                + "errorCount counts them all.");

        imports.MapGet("/", List)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ListImports")
            .WithSummary("List import jobs")
            .WithDescription("The tenant's import jobs, oldest first, a page at a time: pass nextCursor back as cursor. Row errors are left out: get the job to read them.");

        return imports;
    }

    private static async Task<Results<Accepted<ImportJobResponse>, ValidationProblem>> Create(
        HttpRequest request, ContactsDb db, TimeProvider time, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (!request.HasFormContentType)
        {
            errors.Add("file", "Send multipart/form-data with the CSV file in the form field 'file'.");
            return ApiProblems.Invalid(errors);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            errors.Add("file", "The multipart form could not be read.");
            return ApiProblems.Invalid(errors);
        }

        var file = form.Files.GetFile("file");
        var dedupe = ImportRequests.Dedupe(form["dedupe"], errors);
        var mappingSent = !string.IsNullOrWhiteSpace(form["mapping"]);
        var requested = ImportRequests.Mapping(form["mapping"], errors);
        Dictionary<string, string>? mapping = null;
        var rows = 0;
        if (ImportRequests.IsCsv(file, errors))
        {
            try
            {
                await using var csv = await ImportCsv.OpenAsync(file!.OpenReadStream(), cancellationToken);
                if (!mappingSent || requested is not null)
                {
                    mapping = ImportMapping.Resolve(csv.Header, requested, json.Value.SerializerOptions, errors);
                }

                rows = await csv.CountAsync(cancellationToken);
            }
            catch (ImportFileException exception)
            {
                errors.Add("file", exception.Message);
            }
        }

        if (!errors.IsEmpty || mapping is null || dedupe is not { } policy)
        {
            return ApiProblems.Invalid(errors);
        }

        var name = Path.GetFileName(file!.FileName);
        var job = ImportJob.Queue(db.Tenant.TenantId, name.Length > 255 ? name[..255] : name, policy, mapping, rows, time.GetUtcNow());
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync(cancellationToken);
            await StoreFileAsync(db, transaction, job, file, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return TypedResults.Accepted($"/api/v1/imports/{job.Id}", ImportJobResponse.From(job, []));
    }

    /// <summary>Streams the upload into <c>import_files</c>, so the file is never held in memory whole.</summary>
    private static async Task StoreFileAsync(ContactsDb db, IDbContextTransaction transaction, ImportJob job, IFormFile file, CancellationToken cancellationToken)
    {
        await using var content = file.OpenReadStream();
        await using var command = new NpgsqlCommand(
            "INSERT INTO import_files (job_id, tenant_id, content) VALUES ($1, $2, $3)",
            (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)transaction.GetDbTransaction());
        command.Parameters.Add(new NpgsqlParameter { Value = job.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = job.TenantId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea, Value = content, Size = checked((int)file.Length) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Results<Ok<ImportJobResponse>, ProblemHttpResult>> Get(Guid id, ContactsDb db, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        var errors = await db.ImportRowErrors.AsNoTracking()
            .Where(e => e.JobId == id)
            .OrderBy(e => e.Row).ThenBy(e => e.Id)
            .Take(ImportJob.MaxStoredErrors)
            .Select(e => new ImportRowErrorResponse(e.Row, e.Field, e.Message))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(ImportJobResponse.From(job, errors));
    }

    private static async Task<Results<Ok<Page<ImportJobResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, ContactsDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        return TypedResults.Ok(await page.ReadAsync(db.ImportJobs.AsNoTracking(), job => ImportJobResponse.From(job, null), cancellationToken));
    }
}
