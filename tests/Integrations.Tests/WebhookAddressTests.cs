using System.Net;
using CrmCloud.Integrations.Features.Webhooks;
using CrmCloud.Platform.Api;
using Xunit;

namespace CrmCloud.Integrations.Tests;

public sealed class WebhookAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("2606:2800:220:1::1", false)]
    public void Internal_addresses_are_recognised(string address, bool isInternal) =>
        Assert.Equal(isInternal, WebhookAddresses.IsInternal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://localhost:8080/hooks")]
    [InlineData("http://127.0.0.1/hooks")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hooks")]
    public void Local_urls_are_refused_unless_allowed(string url)
    {
        var refused = new FieldErrors();
        var allowed = new FieldErrors();

        Assert.Null(WebhookAddresses.Validate("url", url, allowPrivate: false, refused));
        Assert.NotNull(WebhookAddresses.Validate("url", url, allowPrivate: true, allowed));
        Assert.Equal(["url"], refused.ToDictionary().Keys);
        Assert.True(allowed.IsEmpty);
    }
}
