using NodaTime;

namespace Posture.Domain.Contractors;

// Commands for the Contractor stream, decided in ContractorDecider. `At` is when it happened in the world; it may be
// earlier than other facts already recorded (reports arrive late), never later than the moment it is decided.

/// <summary>
/// Start following a contracting company's presence. Without <c>EngagedAt</c> the engagement begins when it is decided,
/// so a retry of the same command (under an idempotency key) is still the same command however late it comes.
/// </summary>
public sealed record EngageContractor(Guid ContractorId, string Company, string Programme, Instant? EngagedAt);

/// <summary>Record that people of the contractor arrived at a site.</summary>
public sealed record DeployContractors(Guid ContractorId, Guid BaseId, int Count, Instant At);

/// <summary>Record that people of the contractor were evacuated from a site.</summary>
public sealed record EvacuateContractors(
    Guid ContractorId,
    Guid BaseId,
    int Count,
    string? Destination,
    string Reason,
    Instant At);

/// <summary>Record that people evacuated from a site came back to it.</summary>
public sealed record ReturnContractors(Guid ContractorId, Guid BaseId, int Count, Instant At);

/// <summary>Record that people of the contractor at a site were killed or injured.</summary>
public sealed record ReportContractorCasualties(Guid ContractorId, Guid BaseId, int Killed, int Injured, Instant At);
