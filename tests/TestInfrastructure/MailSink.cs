using CrmCloud.AppHost.Hosting;

namespace CrmCloud.TestInfrastructure;

/// <summary>The orchestrator's local mail server (<see cref="LocalSmtp"/>), in a temporary folder on a free port, removed with it.</summary>
public sealed class MailSink : IAsyncDisposable
{
    private readonly string stateDirectory = Directory.CreateTempSubdirectory("crm-mail-").FullName;
    private readonly LocalSmtp smtp;

    public MailSink() => smtp = LocalSmtp.Start(stateDirectory);

    /// <summary>As a service is told of it: <c>ConnectionStrings:mail</c>.</summary>
    public string ConnectionString => smtp.ConnectionString;

    /// <summary>The kept messages' files, oldest first.</summary>
    public IReadOnlyList<string> Messages() => smtp.Messages();

    public async ValueTask DisposeAsync()
    {
        await smtp.DisposeAsync();
        Directory.Delete(stateDirectory, recursive: true);
    }
}
