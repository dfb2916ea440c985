namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// A mail server for the services to send through: a <see cref="LocalSmtp"/> that keeps every message as a file in the
/// state folder, or the server <c>ConnectionStrings:{name}</c> names (<c>smtp://host:port</c>).
/// </summary>
public sealed class SmtpSinkResource(string name, int? port) : RunnableResource(name), IResourceWithConnectionString
{
    public const int DefaultPort = 52525;

    private LocalSmtp? local;
    private string? connectionString;

    public int? Port { get; } = port;

    public string ConnectionString => connectionString ?? throw NotRunning(Name);

    internal override IEnumerable<SummaryLine> Summary =>
        local is null
            ? [new SummaryLine("Mail", $"{ConnectionString} (external)")]
            : [new SummaryLine("Mail", $"{local.ConnectionString}  messages kept in {local.MailDirectory}")];

    internal override Task StartAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        if (context.ExternalConnectionString(Name) is { } external)
        {
            connectionString = external;
            return Task.CompletedTask;
        }

        local = LocalSmtp.Start(context.State.Path, context.Port(Name, "Port", Port ?? DefaultPort));
        connectionString = local.ConnectionString;
        context.Console.Info($"{Name}: messages are kept in {local.MailDirectory}");
        return Task.CompletedTask;
    }

    internal override async Task StopAsync(CancellationToken force)
    {
        if (local is not null)
        {
            await local.DisposeAsync();
        }
    }
}
