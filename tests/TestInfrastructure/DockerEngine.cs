using System.Net.Sockets;

namespace CrmCloud.TestInfrastructure;

internal static class DockerEngine
{
    private const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>A Docker client alone is not enough: the engine's socket must accept a connection.</summary>
    public static bool IsReachable()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrEmpty(host) && !host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return true;
        }

        var path = string.IsNullOrEmpty(host) ? DefaultSocket : host["unix://".Length..];
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
