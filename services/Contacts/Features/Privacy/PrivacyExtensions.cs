using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrmCloud.Contacts.Features.Privacy;

public static class PrivacyExtensions
{
    /// <summary>The sections of a person's export that contacts' own people and companies make up.</summary>
    public static IHostApplicationBuilder AddPrivacy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPersonExportSection<PersonSection>();
        builder.Services.AddPersonExportSection<CompanySection>();
        return builder;
    }

    /// <summary>Adds a section to every person's export, after those added before it.</summary>
    public static IServiceCollection AddPersonExportSection<TSection>(this IServiceCollection services)
        where TSection : class, IPersonExportSection
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPersonExportSection, TSection>());
        return services;
    }
}
