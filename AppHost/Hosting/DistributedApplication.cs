namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// The app built from the model. <see cref="RunAsync"/> runs the command named on the command line:
/// <c>up</c> (the default) runs everything until Ctrl-C, <c>token</c> prints a development token.
/// </summary>
public sealed class DistributedApplication
{
    public const string UpCommand = "up";
    public const string TokenCommandName = "token";
    public const string HelpCommand = "help";

    private const string Usage = """
        Usage: AppHost [command] [--Key=Value ...]

        Commands:
          up       (default) start the infrastructure, migrate and start the services and the gateway; Ctrl-C stops all
          token    --tenant <name> [--scopes "contacts:read contacts:write ..."]: print a development bearer token
                   (every scope when none is named), signed with the state folder's key
          help     this text

        Configuration (command line --Key=Value, or environment variables Key__Sub=Value):
          StateDirectory=<path>          data, pid files and secrets of this run (default <repository>/.crm)
          <resource>:Port=<port>         e.g. --gateway:Port=9090; 0 picks a free port. Defaults: gateway 8080,
                                         postgres 55432, messaging 55672 (ManagementPort 55673, DistributionPort 55674),
                                         cache 56379; services get free ports
          FreePorts=true                 every port not set explicitly is picked free
          ConnectionStrings:postgres     use this server (an admin connection string) instead of starting one;
          ConnectionStrings:messaging    likewise an AMQP URI,
          ConnectionStrings:cache        and a Redis configuration string
          Dashboard:OtlpEndpoint=<url>   export telemetry over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT)
          StartupTimeout=<seconds>       how long a service may take to become healthy (default 120)
          Control=true                   development only, for fault drills: stop, kill, start and replicate single
                                         resources on request through files in <state>/control/ (see ControlFolder)
        """;

    private readonly DistributedApplicationBuilder builder;

    internal DistributedApplication(DistributedApplicationBuilder builder) => this.builder = builder;

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    /// <summary>Runs the command and sets the process exit code (0 on success or after a requested stop).</summary>
    public async Task RunAsync()
    {
        Environment.ExitCode = builder.Command switch
        {
            UpCommand => await new Orchestrator(builder.Resources, builder.Configuration).RunAsync(),
            TokenCommandName => TokenCommand.Run(builder.Configuration),
            HelpCommand => PrintUsage(Console.Out, 0),
            _ => PrintUsage(Console.Error, 2),
        };
    }

    private static int PrintUsage(TextWriter writer, int exitCode)
    {
        writer.WriteLine(Usage);
        return exitCode;
    }
}
