using CrmCloud.Platform.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Platform.Api;

/// <summary>A resource loaded to be changed, or the problem that stops the change.</summary>
public readonly record struct ResourceForChange<TResource>(TResource? Resource, ProblemHttpResult? Problem)
    where TResource : class;

public static class ResourceForChangeExtensions
{
    /// <summary>
    /// Loads the tenant's resource a PATCH or DELETE is about: a 404 problem when there is none (also for
    /// another tenant's), a 412 problem when the request's If-Match names a version it no longer has.
    /// </summary>
    public static async Task<ResourceForChange<TResource>> FindForChangeAsync<TResource>(
        this IQueryable<TResource> resources, Guid id, HttpRequest request, string resourceName, CancellationToken cancellationToken)
        where TResource : class, IVersioned
    {
        var resource = await resources.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (resource is null)
        {
            return new(null, ApiProblems.NotFound(resourceName, id));
        }

        return ETags.Matches(request, resource.Version)
            ? new(resource, null)
            : new(null, ApiProblems.PreconditionFailed(resourceName));
    }
}
