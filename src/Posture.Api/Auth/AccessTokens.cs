using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NodaTime;
using Posture.Infrastructure.Storage;

namespace Posture.Api.Auth;

/// <summary>
/// The bearer tokens Posture accepts: JWTs signed with HS256 by the configured key, issued by and for "posture" (or the
/// configured issuer and audience), naming the caller in <c>sub</c> and the roles in <c>role</c>, valid for a while.
/// <c>posture token</c> and the tests mint them here; the HTTP host validates them with <see cref="ValidationParameters"/>.
/// </summary>
public static class AccessTokens
{
    /// <summary>The claim that names the caller: recorded as the user of every event the request produces.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The longest caller name recorded.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Tolerance for clocks that disagree a little between whoever minted a token and Posture.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public static string Mint(AuthSettings settings, string user, IEnumerable<Role> roles, Instant now, Duration lifetime)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        ArgumentNullException.ThrowIfNull(roles);
        var key = settings.Key ?? throw new PostureStartupException(
            $"{AuthSettings.Section}:SigningKey is not set: a token needs the key the API validates with (env Posture__Auth__SigningKey).");
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.ToDateTimeUtc(),
            NotBefore = now.ToDateTimeUtc(),
            Expires = (now + lifetime).ToDateTimeUtc(),
            Claims = new Dictionary<string, object>
            {
                [SubjectClaim] = user.Trim(),
                [Roles.ClaimType] = roles.Distinct().Select(r => r.Name()).ToArray(),
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>What a token must be: signed by our key with HS256, ours by issuer and audience, and current by <paramref name="clock"/>.</summary>
    public static TokenValidationParameters ValidationParameters(AuthSettings settings, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        return new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            IssuerSigningKey = settings.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            NameClaimType = SubjectClaim,
            RoleClaimType = Roles.ClaimType,
            ClockSkew = ClockSkew,
            // Posture's time is its injected clock, here too (ADR 0005).
            LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = clock.GetCurrentInstant().ToDateTimeUtc();
                return expires is { } end && now < end + parameters.ClockSkew && (notBefore is not { } start || start - parameters.ClockSkew <= now);
            },
        };
    }

    /// <summary>A caller as Posture's authorization sees one: named by <c>sub</c>, holding <paramref name="roles"/>.</summary>
    public static ClaimsIdentity Identity(string user, IEnumerable<Role> roles, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var claims = roles.Select(r => new Claim(Roles.ClaimType, r.Name())).Prepend(new Claim(SubjectClaim, user));
        return new ClaimsIdentity(claims, authenticationType, SubjectClaim, Roles.ClaimType);
    }
}
