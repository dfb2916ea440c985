using System.Net;
using System.Net.Sockets;
using CrmCloud.Platform.Api;

namespace CrmCloud.Integrations.Features.Webhooks;

/// <summary>
/// Where deliveries may go: http or https only, and (unless <see cref="WebhookOptions.AllowPrivateAddresses"/>) never to
/// loopback, private, link-local or other internal addresses. Checked when a subscription is saved and again on every
/// connection, against the addresses the name resolves to then, so a name re-pointed later cannot reach inside either.
/// </summary>
public static class WebhookAddresses
{
    public static Uri? Validate(string field, string? value, bool allowPrivate, FieldErrors errors)
    {
        var text = errors.Required(field, value, WebhookRequests.UrlLength);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.Host.Length == 0)
        {
            errors.Add(field, "An absolute http or https URL, such as https://partner.example.com/crm/events.");
            return null;
        }

        if (!allowPrivate && (url.IsLoopback || (IPAddress.TryParse(url.IdnHost, out var address) && IsInternal(address))))
        {
            errors.Add(field, "The URL points at a local or private address; give one reachable from the internet.");
            return null;
        }

        return url;
    }

    /// <summary>Loopback, private (RFC 1918, unique local), link-local (cloud metadata), shared, unspecified and multicast addresses.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        }

        var bytes = address.GetAddressBytes();
        return bytes[0] switch
        {
            0 or 10 or 127 => true,
            100 => bytes[1] is >= 64 and <= 127,
            169 => bytes[1] == 254,
            172 => bytes[1] is >= 16 and <= 31,
            192 => bytes[1] == 168,
            >= 224 => true,
            _ => false,
        };
    }

    /// <summary>A handler that connects only to addresses allowed, follows no redirects and keeps connections to receivers warm.</summary>
    public static SocketsHttpHandler Handler(bool allowPrivate) => new()
    {
        // A redirect could lead anywhere, past the checks: a 3xx is a failed attempt.
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = allowPrivate ? addresses : [.. addresses.Where(address => !IsInternal(address))];
            if (allowed.Length == 0)
            {
                throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no address deliveries may go to.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
