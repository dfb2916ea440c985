using CrmCloud.Platform.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmCloud.Platform.Contacts;

public static class ContactCopies
{
    /// <summary>The most contact events committed in one transaction, and how many a copy consumer's endpoint takes at once.</summary>
    public const int BatchSize = 100;

    /// <summary>
    /// The writer of the service's <typeparamref name="TCopy"/>. Add it before the messaging, so that on shutdown the
    /// bus stops first and no consumer is left waiting for a writer that has gone.
    /// </summary>
    public static IHostApplicationBuilder AddContactCopies<TDb, TCopy>(this IHostApplicationBuilder builder)
        where TDb : ServiceDb
        where TCopy : ContactCopy, new()
    {
        builder.Services.AddSingleton<ContactCopyWriter<TDb, TCopy>>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ContactCopyWriter<TDb, TCopy>>());
        return builder;
    }
}
