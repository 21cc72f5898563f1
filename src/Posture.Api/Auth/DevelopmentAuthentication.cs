using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Posture.Api.Auth;

/// <summary>
/// <c>Posture:Auth:Mode=Development</c> only (insecure, for a demo on one's own machine): every request is accepted
/// as the caller its <c>X-Posture-User</c> header names (default "developer"), holding every role. In Jwt mode this
/// scheme is not registered and the header means nothing.
/// </summary>
public sealed class DevelopmentAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Development";

    public const string UserHeader = "X-Posture-User";

    public const string DefaultUser = "developer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var named = Request.Headers[UserHeader].ToString().Trim();
        var user = named.Length == 0 ? DefaultUser : named[..Math.Min(named.Length, AccessTokens.MaxNameLength)];
        var principal = new ClaimsPrincipal(AccessTokens.Identity(user, Roles.All, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
