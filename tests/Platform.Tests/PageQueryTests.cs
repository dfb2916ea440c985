using CrmCloud.Platform.Api;
using Xunit;

namespace CrmCloud.Platform.Tests;

public sealed class PageQueryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(200)]
    public void A_limit_within_bounds_is_valid(int limit) => Assert.Empty(new PageQuery(limit, null).Validate());

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    public void A_limit_out_of_bounds_is_named(int limit) => Assert.Contains("limit", new PageQuery(limit, null).Validate().Keys);

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor")]
    [InlineData("AAAA")]
    public void A_cursor_this_api_did_not_issue_is_named(string cursor) => Assert.Contains("cursor", new PageQuery(null, cursor).Validate().Keys);
}
