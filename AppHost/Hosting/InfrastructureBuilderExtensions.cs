namespace CrmCloud.AppHost.Hosting;

/// <summary>PostgreSQL in the app model, as Aspire.Hosting.PostgreSQL declares it.</summary>
public static class PostgresBuilderExtensions
{
    /// <summary>A PostgreSQL server; <paramref name="port"/> defaults to <see cref="PostgresServerResource.DefaultPort"/>.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddResource(new PostgresServerResource(name, port));

    /// <summary>A database on the server, created when the server is ready, referenced as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.Add(database);
        return builder.ApplicationBuilder.AddResource(database);
    }
}

/// <summary>RabbitMQ in the app model, as Aspire.Hosting.RabbitMQ declares it.</summary>
public static class RabbitMQBuilderExtensions
{
    /// <summary>A RabbitMQ broker; <paramref name="port"/> (AMQP) defaults to <see cref="RabbitMQServerResource.DefaultPort"/>.</summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this DistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddResource(new RabbitMQServerResource(name, port));

    /// <summary>Publishes the management UI, on <paramref name="port"/> or <see cref="RabbitMQServerResource.DefaultManagementPort"/>.</summary>
    public static IResourceBuilder<RabbitMQServerResource> WithManagementPlugin(this IResourceBuilder<RabbitMQServerResource> builder, int? port = null)
    {
        builder.Resource.PublishesManagementUi = true;
        builder.Resource.ManagementPort = port;
        return builder;
    }
}

/// <summary>Redis in the app model, as Aspire.Hosting.Redis declares it.</summary>
public static class RedisBuilderExtensions
{
    /// <summary>A Redis server; <paramref name="port"/> defaults to <see cref="RedisResource.DefaultPort"/>.</summary>
    public static IResourceBuilder<RedisResource> AddRedis(this DistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddResource(new RedisResource(name, port));
}

/// <summary>A mail server in the app model, in Aspire's manner of <c>AddRedis</c> (Aspire itself has none: MailDev or Papercut run as containers there).</summary>
public static class SmtpSinkBuilderExtensions
{
    /// <summary>A local SMTP server that keeps every message in <c>{state}/mail/</c>; <paramref name="port"/> defaults to <see cref="SmtpSinkResource.DefaultPort"/>.</summary>
    public static IResourceBuilder<SmtpSinkResource> AddSmtpSink(this DistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddResource(new SmtpSinkResource(name, port));
}
