using NodaTime;

namespace Posture.Domain.Bases;

// Commands are the messages that ask for a change; each is decided in BaseDecider and either produces events or
// is refused with a reason. They travel over the bus unchanged, whether they come from HTTP, the CLI or a peer.

/// <summary>Make a site known to Posture.</summary>
public sealed record RegisterBase(
    Guid BaseId,
    string Name,
    string Country,
    string Region,
    double Latitude,
    double Longitude);

/// <summary>Record that rockets hit or landed near a base.</summary>
public sealed record RecordRocketAttack(
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
    string? Notes);
