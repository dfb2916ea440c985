using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CrmCloud.Contacts.Tests;

/// <summary>Every connection of a contacts instance's pool, each in an open transaction, as a crowd of requests holds them.</summary>
internal sealed class HeldConnections : IAsyncDisposable
{
    private readonly List<(AsyncServiceScope Scope, IDbContextTransaction Transaction)> _held = [];

    public static async Task<HeldConnections> HoldAllAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var held = new HeldConnections();
        try
        {
            for (var i = 0; i < DataExtensions.DefaultMaxPoolSize; i++)
            {
                var scope = services.CreateAsyncScope();
                held._held.Add((scope, await scope.ServiceProvider.GetRequiredService<ContactsDb>().Database.BeginTransactionAsync(cancellationToken)));
            }

            return held;
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (scope, transaction) in _held)
        {
            await transaction.DisposeAsync();
            await scope.DisposeAsync();
        }
    }
}
