using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;
using Testcontainers.Redis;

namespace CrmCloud.TestInfrastructure;

/// <summary>The servers as Testcontainers, for machines with a Docker engine.</summary>
internal sealed class ContainerServers(PostgreSqlContainer postgres, RabbitMqContainer rabbit, RedisContainer redis) : TestServers
{
    protected override string PostgresAdminConnectionString => postgres.GetConnectionString();

    public override string RedisConnectionString => redis.GetConnectionString();

    public static async Task<TestServers> StartContainersAsync(CancellationToken cancellationToken)
    {
        var postgres = new PostgreSqlBuilder("postgres:15").Build();
        var rabbit = new RabbitMqBuilder("rabbitmq:3.10-management").Build();
        var redis = new RedisBuilder("redis:7.0").Build();
        await Task.WhenAll(
            postgres.StartAsync(cancellationToken),
            rabbit.StartAsync(cancellationToken),
            redis.StartAsync(cancellationToken));
        return new ContainerServers(postgres, rabbit, redis);
    }

    public override async Task<string> CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        await rabbit.ExecAsync(["rabbitmqctl", "add_vhost", name], cancellationToken);
        await rabbit.ExecAsync(["rabbitmqctl", "set_permissions", "-p", name, "rabbitmq", ".*", ".*", ".*"], cancellationToken);
        var uri = new UriBuilder(rabbit.GetConnectionString()) { Path = Uri.EscapeDataString(name) };
        return uri.Uri.ToString();
    }

    public override async Task DeleteVirtualHostAsync(string name, CancellationToken cancellationToken = default) =>
        await rabbit.ExecAsync(["rabbitmqctl", "delete_vhost", name], cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await postgres.DisposeAsync();
        await rabbit.DisposeAsync();
        await redis.DisposeAsync();
    }
}
