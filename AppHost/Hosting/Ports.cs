using System.Net;
using System.Net.Sockets;

namespace CrmCloud.AppHost.Hosting;

/// <summary>Loopback ports: a free one when asked for 0, and whether a fixed one is free.</summary>
public static class Ports
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A port nothing listens on now, never the same one twice in this process.</summary>
    public static int Free()
    {
        while (true)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary><paramref name="port"/> itself, or a free one when it is 0.</summary>
    public static int FreeWhenZero(int port) => port == 0 ? Free() : port;

    public static bool IsAvailable(int port)
    {
        try
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
