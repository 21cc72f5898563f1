namespace Posture.Api.Auth;

/// <summary>
/// What a caller may do (ADR "authentication"). A token names the roles it holds in its <c>role</c> claim; an endpoint
/// names the one role it needs with <see cref="RequiresAttribute"/>. Higher roles imply lower ones only where the work
/// does: every role may read; an officer may also record incidents. Nobody else's work is implied: an admin rebuilds
/// read models but records nothing, an auditor reads the audit trail but changes nothing.
/// </summary>
public enum Role
{
    /// <summary>Reads sites, threat, timelines, incidents, alerts, contractors and missions (and replays them with asOf/knownAt).</summary>
    Viewer,

    /// <summary>Records incidents (attacks and the other incident kinds), corrects and retracts them; reads.</summary>
    Reporter,

    /// <summary>Registers bases, sets FPCON, assesses and reassesses threat, moves contractors and mission personnel; records incidents; reads.</summary>
    Officer,

    /// <summary>Reads the audit trail of any stream; reads.</summary>
    Auditor,

    /// <summary>Verifies and rebuilds the read models; reads.</summary>
    Admin,
}

public static class Roles
{
    /// <summary>The claim type of a role in a token: the JWT <c>role</c> claim, one value per role.</summary>
    public const string ClaimType = "role";

    public static IReadOnlyList<Role> All { get; } = Enum.GetValues<Role>();

    /// <summary>
    /// The matrix: who may call an endpoint that requires <paramref name="required"/>. Each role may do its own work;
    /// an officer's work includes a reporter's; every role may read.
    /// </summary>
    public static IReadOnlyList<Role> Satisfying(Role required) => required switch
    {
        Role.Viewer => All,
        Role.Reporter => [Role.Reporter, Role.Officer],
        _ => [required],
    };

    /// <summary>The role's name in tokens, on the command line and in ProblemDetails: <c>viewer</c>, <c>officer</c>, ...</summary>
    public static string Name(this Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Reporter => "reporter",
        Role.Officer => "officer",
        Role.Auditor => "auditor",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static Role? Parse(string name) => All.Cast<Role?>().FirstOrDefault(r => string.Equals(r!.Value.Name(), name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The authorization policy an endpoint that requires <paramref name="role"/> is guarded by.</summary>
    public static string Policy(this Role role) => "posture-" + role.Name();
}

/// <summary>
/// The role an endpoint requires. Every endpoint carries one; an endpoint without it answers 403 to everyone (the
/// fallback policy) and fails the role-matrix test, so a forgotten declaration cannot open anything.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresAttribute(Role role) : Attribute
{
    public Role Role { get; } = role;
}
