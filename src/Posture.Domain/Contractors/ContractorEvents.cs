using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Contractors;

// The Contractor stream's facts: one stream per contracting company's presence, its id the ContractorId. Counts are
// headcounts, never named people. Stored names are pinned in Posture.Infrastructure (EventCatalogue) and listed in
// docs/events.md. Each `At` is when it happened in the world.

/// <summary>A contracting company began work that Posture follows (Sallyport, for the Iraqi F-16 programme).</summary>
public sealed record ContractorEngaged(Guid ContractorId, string Company, string Programme, Instant EngagedAt) : IDomainEvent;

/// <summary>People of the contractor arrived at a site.</summary>
public sealed record ContractorsDeployed(Guid ContractorId, Guid BaseId, int Count, Instant At) : IDomainEvent;

/// <summary>People of the contractor were taken away from a site for their safety; they may return later.</summary>
public sealed record ContractorsEvacuated(
    Guid ContractorId,
    Guid BaseId,
    int Count,
    string? Destination,
    string Reason,
    Instant At) : IDomainEvent;

/// <summary>People evacuated from a site came back to it.</summary>
public sealed record ContractorsReturned(Guid ContractorId, Guid BaseId, int Count, Instant At) : IDomainEvent;

/// <summary>People of the contractor at a site were killed or injured; the killed are no longer counted there.</summary>
public sealed record ContractorCasualtiesReported(Guid ContractorId, Guid BaseId, int Killed, int Injured, Instant At) : IDomainEvent;
