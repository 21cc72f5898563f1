using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Threats;

namespace Posture.Domain.Bases;

// The Base stream's facts. Stored names are pinned in Posture.Infrastructure (EventCatalogue) and listed in
// docs/events.md; renaming a type here never renames what is stored.

/// <summary>A fact of the Base stream; the stream id is <see cref="BaseId"/>.</summary>
public interface IBaseEvent : IDomainEvent
{
    Guid BaseId { get; }
}

/// <summary>A site where people are stationed became known to Posture.</summary>
public sealed record BaseRegistered(
    Guid BaseId,
    string Name,
    string Country,
    string Region,
    double Latitude,
    double Longitude,
    Instant RegisteredAt) : IBaseEvent;

/// <summary>A hostile incident at or near a base: what every incident event has in common.</summary>
public interface IIncidentOccurred : IBaseEvent
{
    Guid IncidentId { get; }

    IncidentReport Report { get; }

    IncidentKind Kind { get; }
}

/// <summary>Rockets hit or landed near a base.</summary>
public sealed record RocketAttackOccurred(Guid BaseId, Guid IncidentId, IncidentReport Report) : IIncidentOccurred
{
    public IncidentKind Kind => IncidentKind.Rocket;
}

/// <summary>Armed drones struck at or near a base.</summary>
public sealed record DroneAttackOccurred(Guid BaseId, Guid IncidentId, IncidentReport Report) : IIncidentOccurred
{
    public IncidentKind Kind => IncidentKind.Drone;
}

/// <summary>Mortar or artillery fire (indirect fire other than rockets) fell at or near a base.</summary>
public sealed record IndirectFireOccurred(Guid BaseId, Guid IncidentId, IncidentReport Report) : IIncidentOccurred
{
    public IncidentKind Kind => IncidentKind.IndirectFire;
}

/// <summary>An improvised explosive device went off at or near a base (a convoy on its road included).</summary>
public sealed record IedDetonated(Guid BaseId, Guid IncidentId, IncidentReport Report) : IIncidentOccurred
{
    public IncidentKind Kind => IncidentKind.Ied;
}

/// <summary>Small-arms fire was directed at a base or its people.</summary>
public sealed record SmallArmsFireOccurred(Guid BaseId, Guid IncidentId, IncidentReport Report) : IIncidentOccurred
{
    public IncidentKind Kind => IncidentKind.SmallArms;
}

/// <summary>An earlier report of an incident was wrong in some way; this is what it should have said.</summary>
public sealed record IncidentCorrected(Guid BaseId, Guid IncidentId, IncidentReport Corrected, string Reason) : IBaseEvent;

/// <summary>An incident that was reported did not happen (or not at this base); it counts for nothing.</summary>
public sealed record IncidentRetracted(Guid BaseId, Guid IncidentId, string Reason) : IBaseEvent;

/// <summary>An analyst set a floor under the base's computed threat level, with a reason, until it expires.</summary>
public sealed record ThreatAssessed(Guid BaseId, ThreatLevel Level, string Reason, Instant AssessedAt, Instant ExpiresAt) : IBaseEvent;

/// <summary>A commander set the base's force-protection condition.</summary>
public sealed record ForceProtectionConditionSet(Guid BaseId, ForceProtectionCondition Condition, string Reason, Instant SetAt) : IBaseEvent;

