using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Stock;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Sales.Features.Products;

public static class ProductEndpoints
{
    private const string Resource = "product";

    public static RouteGroupBuilder MapProducts(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/v1/products").WithTags("Products");

        products.MapPost("/", Create)
            .RequireScope(Scopes.Write("sales"))
            .WithName("CreateProduct")
            .WithSummary("Create a product")
            .WithDescription(
                "Creates a product with nothing in stock. sku (no spaces) is unique within the tenant (409 when taken); "
                + $"unit defaults to {ProductRequests.DefaultUnit}, taxCategory (a lower-case code that price lists give a rate) to {ProductRequests.DefaultTaxCategory}, active to true. "
                + "An id may be supplied for idempotent imports.")
            .Accepts<CreateProductRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        products.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetProduct")
            .WithSummary("Get a product")
            .WithDescription("The product with its ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        products.MapGet("/", List)
            .RequireScope(Scopes.Read("sales"))
            .WithName("ListProducts")
            .WithSummary("List products")
            .WithDescription(
                "Products in creation order, a page at a time: pass nextCursor back as cursor. "
                + "?sku= keeps the one with exactly that sku; ?q= keeps those whose sku or name contains q, ignoring case; ?active=true|false by state.")
            .ProducesValidationProblem();

        products.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("sales"))
            .WithName("UpdateProduct")
            .WithSummary("Update a product (JSON merge patch)")
            .WithDescription(
                "Absent fields stay; sku, name, unit and taxCategory cannot be cleared. Placed orders keep the sku and name they were placed with. "
                + "A sku taken by another product is a 409. If-Match with the ETag guards against lost updates (412).")
            .Accepts<CreateProductRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        products.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("sales"))
            .WithName("DeleteProduct")
            .WithSummary("Delete a product (removed permanently, with its stock)")
            .WithDescription(
                "Removes a product that no order and no price list names. One that they name is kept for their history: "
                + "the answer is 409, and the way to retire it is PATCH { \"active\": false }.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return products;
    }

    private static async Task<Results<Created<ProductResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateProductRequest request, SalesDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var product = Product.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, now);
        db.Products.Add(product);
        db.StockLevels.Add(StockLevel.For(db.Tenant.TenantId, product.Id, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return Taken(product.Id, details.Sku);
        }

        ETags.Write(response, product.Version);
        return TypedResults.Created($"/api/v1/products/{product.Id}", ProductResponse.From(product));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Get(Guid id, SalesDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, product.Version);
        return TypedResults.Ok(ProductResponse.From(product));
    }

    private static async Task<Results<Ok<Page<ProductResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, string? sku, string? q, bool? active, SalesDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        if (q is not null && q.Trim().Length is < 1 or > 200)
        {
            errors["q"] = ["From 1 to 200 characters."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var products = db.Products.AsNoTracking();
        if (sku is not null)
        {
            var exactly = sku.Trim();
            products = products.Where(p => p.Details.Sku == exactly);
        }

        if (q is not null)
        {
            var pattern = "%" + q.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
            products = products.Where(p => EF.Functions.ILike(p.Details.Sku, pattern, @"\") || EF.Functions.ILike(p.Details.Name, pattern, @"\"));
        }

        if (active is { } isActive)
        {
            products = products.Where(p => p.Details.Active == isActive);
        }

        return TypedResults.Ok(await page.ReadAsync(products, ProductResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, SalesDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Products.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } product)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (product.Details.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (product.Change(details, time.GetUtcNow()))
        {
            try
            {
                if (!await db.TrySaveChangesAsync(cancellationToken))
                {
                    return ApiProblems.PreconditionFailed(Resource);
                }
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation())
            {
                return Taken(product.Id, details.Sku);
            }
        }

        ETags.Write(response, product.Version);
        return TypedResults.Ok(ProductResponse.From(product));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, SalesDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Products.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } product)
        {
            return loaded.Problem!;
        }

        var named = JsonSerializer.Serialize(new[] { new { productId = id } });
        var inPriceList = await db.PriceLists.FromSql($"SELECT * FROM price_lists WHERE prices @> {named}::jsonb").AnyAsync(cancellationToken);
        var inOrder = await db.Orders.FromSql($"SELECT * FROM orders WHERE lines @> {named}::jsonb").AnyAsync(cancellationToken);
        if (inPriceList || inOrder)
        {
            return ApiProblems.Conflict(
                "The product is named by orders or price lists.",
                $"Product {id} is named by {(inOrder ? "orders" : "price lists")} and is kept for their history; deactivate it with PATCH {{ \"active\": false }} instead.");
        }

        // The stock row goes with it: its key is the product's, deleted in cascade.
        db.Products.Remove(product);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Taken(Guid id, string sku) =>
        ApiProblems.Conflict("The id or sku is taken.", $"Another product already has the id {id} or the sku {sku}.");
}
