using System.Diagnostics;
using System.Text.Encodings.Web;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using StackExchange.Redis;

namespace CrmCloud.Gateway.Credentials;

/// <summary>
/// Authenticates a partner's request by its API key (<c>Authorization: ApiKey &lt;secret&gt;</c> or <c>X-Api-Key</c>):
/// the caller becomes the key, acting for the key's tenant with the key's scopes.
/// </summary>
internal sealed class PartnerKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PartnerKeyGrants grants,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyHeader = "X-Api-Key";
    private const string AuthorizationPrefix = SchemeName + " ";

    /// <summary>True when the request presents an API key rather than a bearer token.</summary>
    public static bool Presents(HttpRequest request) =>
        request.Headers.ContainsKey(KeyHeader)
        || request.Headers.Authorization.ToString().StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = Request.Headers.TryGetValue(KeyHeader, out var header)
            ? header.ToString()
            : Request.Headers.Authorization.ToString() is { } authorization && authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase)
                ? authorization[AuthorizationPrefix.Length..]
                : "";
        if (string.IsNullOrWhiteSpace(secret))
        {
            return AuthenticateResult.NoResult();
        }

        PartnerKeyGrant? grant;
        try
        {
            grant = await grants.FindAsync(PartnerKeys.Hash(secret.Trim()));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Not a 401: that would tell the partner their key is wrong, when it is the gateway that cannot check it.
            Context.Features.Set(new CredentialsUnavailable());
            return AuthenticateResult.Fail(new InvalidOperationException("The store of API keys did not answer.", exception));
        }

        if (grant is null || grant.IsExpiredAt(time.GetUtcNow()))
        {
            return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        }

        Context.Features.Set(grant);
        // Every request made with a key is attributed to it: in the trace, in the gateway's logs, and downstream in the internal token.
        Activity.Current?.SetTag("crm.api_key_id", grant.KeyId);
        return AuthenticateResult.Success(new AuthenticationTicket(grant.Caller, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Features.Get<CredentialsUnavailable>() is not null)
        {
            Response.Headers.RetryAfter = "5";
            await TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The credentials service is unavailable.",
                detail: "The gateway could not check the API key against the credentials store just now; the key itself may be fine. Try again shortly.")
                .ExecuteAsync(Context);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, SchemeName);
    }

    /// <summary>Marks a request whose key could not be looked up because Redis did not answer.</summary>
    private sealed class CredentialsUnavailable;
}
