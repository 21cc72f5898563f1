using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Bases;

// The Base stream's facts. Stored names are pinned in Posture.Infrastructure (EventCatalogue) and listed in
// docs/events.md; renaming a type here never renames what is stored.

/// <summary>A site where people are stationed became known to Posture.</summary>
public sealed record BaseRegistered(
    Guid BaseId,
    string Name,
    string Country,
    string Region,
    double Latitude,
    double Longitude,
    Instant RegisteredAt) : IDomainEvent;

/// <summary>Rockets (or other indirect munitions of the rocket kind) hit or landed near a base.</summary>
public sealed record RocketAttackOccurred(
    Guid BaseId,
    Guid IncidentId,
    Instant OccurredAt,
    int Rounds,
    Impact Impact,
    int Killed,
    int Injured,
    Affiliation? CasualtiesAffiliation,
    string? ClaimedBy,
    string Source,
    Confidence Confidence,
    string? Notes) : IDomainEvent;

/// <summary>Where the munitions of an incident landed, from least to most dangerous.</summary>
public enum Impact
{
    OpenArea,
    Perimeter,
    Inside,
    OccupiedArea,
}

/// <summary>How sure the source of a report is.</summary>
public enum Confidence
{
    Confirmed,
    Probable,
    Unconfirmed,
}

/// <summary>Whose people the casualties of an incident were.</summary>
public enum Affiliation
{
    Contractor,
    CoalitionMilitary,
    HostNationMilitary,
    Civilian,
}
