using System.Reflection;
using CrmCloud.Platform.Data;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CrmCloud.Platform.Messaging;

public static class MessagingExtensions
{
    public const string ConnectionName = "messaging";

    /// <summary>
    /// MassTransit over RabbitMQ (<c>ConnectionStrings__messaging</c>) with the service's consumers on
    /// quorum queues named <c>{service}-{consumer}</c>, retries before a message is parked in its
    /// <c>_error</c> queue, and the outbox dispatcher for <typeparamref name="TDb"/>.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TDb>(this IHostApplicationBuilder builder, string serviceName)
        where TDb : ServiceDb
    {
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxDispatcher<TDb>>();
        return builder.AddBus(serviceName, typeof(TDb).Assembly);
    }

    /// <summary>
    /// The bus alone, with the consumers of <paramref name="consumers"/> on the same conventions as a service's: for a
    /// process that only listens and keeps no database of its own (the gateway), so it has no outbox to dispatch.
    /// </summary>
    public static IHostApplicationBuilder AddBus(this IHostApplicationBuilder builder, string serviceName, Assembly consumers)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"The connection string '{ConnectionName}' is not configured (ConnectionStrings__{ConnectionName}).");

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            bus.AddConsumers(consumers);
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                // Outside the quick retries: a database restarting or out of connections comes back in tens of seconds,
                // so its messages wait for it (about a minute and a half in all) instead of being parked in _error.
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Handle<Exception>(DbErrors.IsTransient);
                    retry.Intervals(5_000, 15_000, 30_000);
                });
                endpoint.UseMessageRetry(retry => retry.Intervals(100, 500, 2_000, 5_000));
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.SetQuorumQueue();
                }
            });
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
