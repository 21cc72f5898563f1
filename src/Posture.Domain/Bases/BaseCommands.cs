using NodaTime;
using Posture.Domain.Threats;

namespace Posture.Domain.Bases;

// Commands are the messages that ask for a change; each is decided in BaseDecider and either produces events or
// is refused with a reason. They travel over the bus unchanged, whether they come from HTTP, the CLI or a peer.

/// <summary>Make a site known to Posture.</summary>
public sealed record RegisterBase(Guid BaseId, string Name, string Country, string Region, double Latitude, double Longitude);

/// <summary>Record a hostile incident of any kind at a base.</summary>
public sealed record RecordIncident(Guid BaseId, Guid IncidentId, IncidentKind Kind, IncidentReport Report);

/// <summary>
/// Record many incidents at one base at once (an import's batch): each is decided as a <see cref="RecordIncident"/>
/// would be, in order, and refused or recorded by itself; the batch is one append and one threat reassessment.
/// </summary>
public sealed record RecordIncidents(Guid BaseId, IReadOnlyList<RecordIncident> Incidents);

/// <summary>Correct what an earlier report of an incident said: the fields that change, and the reason.</summary>
public sealed record CorrectIncident(Guid BaseId, Guid IncidentId, IncidentChanges Changes, string Reason);

/// <summary>Withdraw an incident that did not happen (or not at this base).</summary>
public sealed record RetractIncident(Guid BaseId, Guid IncidentId, string Reason);

/// <summary>An analyst's floor under the computed threat level, until it expires.</summary>
public sealed record AssessThreat(Guid BaseId, ThreatLevel Level, string Reason, Instant ExpiresAt);

/// <summary>A commander's force-protection condition for the base.</summary>
public sealed record SetForceProtectionCondition(Guid BaseId, ForceProtectionCondition Condition, string Reason);

