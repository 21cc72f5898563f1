using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Missions;

// The Mission stream's facts: one stream per organised deployment (NATO Mission Iraq), its id the MissionId. Counts
// are headcounts, never named people. Stored names are pinned in Posture.Infrastructure (EventCatalogue) and listed in
// docs/events.md. Each `At` is when it happened in the world.

/// <summary>An organised deployment began, with the number of people it is authorised and the sites it works from.</summary>
public sealed record MissionLaunched(
    Guid MissionId,
    string Name,
    int AuthorisedStrength,
    IReadOnlyList<Guid> Locations,
    Instant LaunchedAt) : IDomainEvent;

/// <summary>The mission's authorised strength grew (500 to 4,000); <c>From</c> is the strength it replaced.</summary>
public sealed record MissionExpanded(Guid MissionId, int From, int To, Instant At) : IDomainEvent;

/// <summary>The mission's authorised strength shrank; <c>From</c> is the strength it replaced.</summary>
public sealed record MissionReduced(Guid MissionId, int From, int To, Instant At) : IDomainEvent;

/// <summary>Mission personnel were assigned to a site.</summary>
public sealed record MissionPersonnelAssigned(Guid MissionId, Guid BaseId, int Count, Instant At) : IDomainEvent;

/// <summary>Mission personnel assigned to a site left it.</summary>
public sealed record MissionPersonnelWithdrawn(Guid MissionId, Guid BaseId, int Count, Instant At) : IDomainEvent;
