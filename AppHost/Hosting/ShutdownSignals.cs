using System.Runtime.InteropServices;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// Ctrl-C, SIGTERM and SIGHUP ask for an orderly stop; a second one cuts the grace periods short.
/// (The children run in sessions of their own, so the terminal's Ctrl-C reaches only the AppHost.)
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenSource force = new();
    private readonly PosixSignalRegistration[] registrations;
    private readonly ResourceConsole console;

    public ShutdownSignals(ResourceConsole console)
    {
        this.console = console;
        UnixProcess.RestoreDefaultAction(UnixProcess.SigInt);
        registrations =
        [
            .. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(signal =>
                PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true;
                    OnSignal(context.Signal);
                })),
        ];
    }

    /// <summary>Cancelled when a stop is asked for.</summary>
    public CancellationToken Stopping => stopping.Token;

    /// <summary>Cancelled when a stop is asked for a second time.</summary>
    public CancellationToken Force => force.Token;

    public bool StopRequested => stopping.IsCancellationRequested;

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        stopping.Dispose();
        force.Dispose();
    }

    private void OnSignal(PosixSignal signal)
    {
        if (!stopping.IsCancellationRequested)
        {
            console.Info($"{signal}: stopping everything (signal again to skip the grace periods)");
            stopping.Cancel();
        }
        else
        {
            console.Info($"{signal}: stopping at once");
            force.Cancel();
        }
    }
}
