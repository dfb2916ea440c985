using System.Net;
using System.Net.Sockets;

namespace CrmCloud.Faults;

/// <summary>
/// A TCP relay on 127.0.0.1 between one service and the broker, so that the network between just those two can be cut:
/// while cut it drops every open connection and closes each new one at once, as a broken link does to a client.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<TcpClient> open = [];
    private readonly Task accepting;
    private volatile bool cut;

    public TcpProxy(IPEndPoint target)
    {
        this.target = target;
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections relayed since the proxy started, for the report.</summary>
    public int Connections { get; private set; }

    public void Cut()
    {
        cut = true;
        lock (open)
        {
            foreach (var client in open)
            {
                client.Client.Close(0);
            }

            open.Clear();
        }
    }

    public void Restore() => cut = false;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Cut();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                return;
            }

            if (cut)
            {
                client.Client.Close(0);
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(target, stopping.Token);
            lock (open)
            {
                open.Add(client);
                open.Add(upstream);
                Connections++;
            }

            using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            var there = client.GetStream().CopyToAsync(upstream.GetStream(), done.Token);
            var back = upstream.GetStream().CopyToAsync(client.GetStream(), done.Token);
            await Task.WhenAny(there, back);
            await done.CancelAsync();
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The link was cut or one side went away: the other side learns it from the close below.
        }
        finally
        {
            lock (open)
            {
                open.Remove(client);
                open.Remove(upstream);
            }

            client.Client.Close(0);
            client.Dispose();
        }
    }
}
