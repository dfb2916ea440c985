using System.Net;
using System.Net.Sockets;

namespace CrmCloud.AppHost.Hosting;

/// <summary>Loopback ports: a free one when asked for 0, and whether a fixed one is free.</summary>
public static class Ports
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>The lowest port picked; below are the well-known and registered services' usual ports.</summary>
    private const int Floor = 20_000;

    /// <summary>
    /// A port nothing listens on now, never the same one twice in this process. It is taken below the
    /// kernel's ephemeral range: inside it, every outgoing connection on the machine takes ports too, so
    /// a port found free there can be gone by the time a server binds it.
    /// </summary>
    public static int Free()
    {
        var ceiling = EphemeralFloor();
        for (var attempt = 0; attempt < 200 && ceiling > Floor; attempt++)
        {
            var port = Random.Shared.Next(Floor, ceiling);
            lock (HandedOut)
            {
                if (!HandedOut.Contains(port) && IsAvailable(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        return AnyFree();
    }

    /// <summary>Where the ephemeral range starts (Linux: /proc/sys/net/ipv4/ip_local_port_range).</summary>
    private static int EphemeralFloor()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(Range) && int.TryParse(File.ReadAllText(Range).Split(default(char[]), StringSplitOptions.RemoveEmptyEntries)[0], out var low)
            ? low
            : 32_768;
    }

    /// <summary>Any port the kernel calls free, for a machine whose ephemeral range leaves nothing below it.</summary>
    private static int AnyFree()
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
