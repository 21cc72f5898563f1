using System.Text;
using Microsoft.IdentityModel.Tokens;
using Posture.Infrastructure.Storage;

namespace Posture.Api.Auth;

/// <summary>How callers prove who they are: bearer tokens (<see cref="AuthMode.Jwt"/>) or, for a demo on one's own machine, nothing at all.</summary>
public enum AuthMode
{
    /// <summary>Every request carries a JWT signed (HS256) with <c>Posture:Auth:SigningKey</c>; its subject and roles are the caller.</summary>
    Jwt,

    /// <summary>
    /// Insecure, for a demo on one's own machine: every request is accepted, named by its <c>X-Posture-User</c> header
    /// (default "developer"), and holds every role.
    /// </summary>
    Development,
}

/// <summary>
/// Section <c>Posture:Auth</c>: <c>Mode</c> (Jwt, the default, or Development), <c>SigningKey</c> (at least 32 bytes of
/// text; required in Jwt mode), <c>Issuer</c> and <c>Audience</c> (both default "posture"). Read before anything starts,
/// so a missing key stops Posture with one line.
/// </summary>
public sealed class AuthSettings
{
    public const string Section = "Posture:Auth";

    /// <summary>HS256 needs a key at least as long as its hash (RFC 7518, 3.2).</summary>
    public const int MinimumKeyBytes = 32;

    public const string DefaultName = "posture";

    private AuthSettings(AuthMode mode, SymmetricSecurityKey? key, string issuer, string audience)
    {
        Mode = mode;
        Key = key;
        Issuer = issuer;
        Audience = audience;
    }

    public AuthMode Mode { get; }

    /// <summary>The signing key, when one is configured (always in Jwt mode).</summary>
    public SymmetricSecurityKey? Key { get; }

    public string Issuer { get; }

    public string Audience { get; }

    public static AuthSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var modeText = section["Mode"];
        AuthMode mode;
        if (string.IsNullOrWhiteSpace(modeText))
        {
            mode = AuthMode.Jwt;
        }
        else if (!Enum.TryParse(modeText.Trim(), ignoreCase: true, out mode) || !Enum.IsDefined(mode))
        {
            throw new PostureStartupException($"{Section}:Mode is '{modeText}'; give Jwt (the default) or Development.");
        }

        var keyText = section["SigningKey"];
        var key = string.IsNullOrEmpty(keyText) ? null : Encoding.UTF8.GetBytes(keyText);
        if (key is { Length: < MinimumKeyBytes } || (key is null && mode == AuthMode.Jwt))
        {
            throw new PostureStartupException(
                $"{Section}:SigningKey must be at least {MinimumKeyBytes} bytes (env Posture__Auth__SigningKey; e.g. `openssl rand -base64 48`), "
                + $"or set {Section}:Mode=Development for an insecure local demo (posture serve --dev).");
        }

        return new AuthSettings(
            mode,
            key is null ? null : new SymmetricSecurityKey(key),
            Text(section["Issuer"]),
            Text(section["Audience"]));
    }

    private static string Text(string? value) => string.IsNullOrWhiteSpace(value) ? DefaultName : value.Trim();
}
