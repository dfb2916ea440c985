using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CrmCloud.ServiceDefaults.Tenancy;

public static class TenancyExtensions
{
    public static IServiceCollection AddTenancy(this IServiceCollection services) => services.AddScoped<TenantContext>();

    /// <summary>Takes the tenant from the authenticated caller's token, never from the body or the URL.</summary>
    public static IApplicationBuilder UseTenancy(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirst(CrmClaims.Tenant)?.Value is { Length: > 0 } tenant)
            {
                context.RequestServices.GetRequiredService<TenantContext>().Use(tenant);
            }

            await next(context);
        });
}
