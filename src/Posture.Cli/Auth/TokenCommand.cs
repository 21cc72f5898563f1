using System.ComponentModel;
using NodaTime;
using Posture.Api.Auth;
using Posture.Cli.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Posture.Cli.Auth;

public sealed class TokenSettings : CommandSettings
{
    /// <summary>The longest a minted token may live: a month. Tokens cannot be revoked one by one (ADR "authentication").</summary>
    public const int MaxHours = 24 * 31;

    [CommandOption("--user <NAME>")]
    [Description("Who the token names (its sub claim): recorded as the user of every event its requests produce")]
    public string? User { get; init; }

    [CommandOption("--role <ROLE>")]
    [Description("A role the token holds (repeat for several): viewer, reporter, officer, auditor, admin")]
    public string[] Roles { get; init; } = [];

    [CommandOption("--hours <HOURS>")]
    [Description("How long the token is valid, in hours (default 8, at most 744)")]
    [DefaultValue(8)]
    public int Hours { get; init; } = 8;

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(User) || User.Trim().Length > AccessTokens.MaxNameLength)
        {
            return ValidationResult.Error($"--user must name the caller (1 to {AccessTokens.MaxNameLength} characters)");
        }

        if (Roles.Length == 0)
        {
            return ValidationResult.Error("give at least one --role: viewer, reporter, officer, auditor or admin");
        }

        if (Roles.FirstOrDefault(r => Api.Auth.Roles.Parse(r) is null) is { } unknown)
        {
            return ValidationResult.Error($"--role '{unknown}' is not one of viewer, reporter, officer, auditor, admin");
        }

        return Hours is < 1 or > MaxHours
            ? ValidationResult.Error($"--hours must be 1 to {MaxHours}, not {Hours}")
            : ValidationResult.Success();
    }
}

/// <summary>
/// <c>posture token</c>: mints a bearer token with the configured signing key (<c>Posture:Auth:SigningKey</c>, env
/// <c>Posture__Auth__SigningKey</c>) so an operator can call the API. Prints the token alone, for <c>$(posture token ...)</c>.
/// </summary>
public sealed class TokenCommand(CliEnvironment environment) : Command<TokenSettings>
{
    public override int Execute(CommandContext context, TokenSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var auth = AuthSettings.From(environment.Configuration);
        var roles = settings.Roles.Select(r => Roles.Parse(r)!.Value);
        var token = AccessTokens.Mint(auth, settings.User!, roles, environment.Clock.GetCurrentInstant(), Duration.FromHours(settings.Hours));
        // Written raw: a console would wrap a long token across lines.
        environment.Console.Profile.Out.Writer.WriteLine(token);
        return ExitCodes.Ok;
    }
}
