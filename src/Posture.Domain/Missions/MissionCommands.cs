using NodaTime;

namespace Posture.Domain.Missions;

// Commands for the Mission stream, decided in MissionDecider. `At` is when it happened in the world, never later
// than the moment it is decided.

/// <summary>Start following an organised deployment, with its authorised strength and the sites it works from.</summary>
public sealed record LaunchMission(
    Guid MissionId,
    string Name,
    int AuthorisedStrength,
    IReadOnlyList<Guid> Locations,
    Instant LaunchedAt);

/// <summary>Raise the authorised strength; <c>From</c> must be the strength the caller believes is current.</summary>
public sealed record ExpandMission(Guid MissionId, int From, int To, Instant At);

/// <summary>Lower the authorised strength; <c>From</c> must be the strength the caller believes is current.</summary>
public sealed record ReduceMission(Guid MissionId, int From, int To, Instant At);

/// <summary>Record that mission personnel were assigned to a site.</summary>
public sealed record AssignMissionPersonnel(Guid MissionId, Guid BaseId, int Count, Instant At);

/// <summary>Record that mission personnel left a site.</summary>
public sealed record WithdrawMissionPersonnel(Guid MissionId, Guid BaseId, int Count, Instant At);
