namespace Posture.Api.Http;

// What a write answers when it is accepted: the record it changed and that record's stream version afterwards (the
// ETag a later write may send back as If-Match). Named types, so the OpenAPI document describes them.

/// <summary>A base, contractor or mission was created (201, with its Location).</summary>
public sealed record Created(Guid Id, long Version);

/// <summary>A base's FPCON or assessment was recorded.</summary>
public sealed record BaseChanged(Guid BaseId, long Version);

/// <summary>An incident was recorded (201), corrected or retracted.</summary>
public sealed record IncidentChanged(Guid BaseId, Guid IncidentId, long Version);

/// <summary>A contractor's people moved or were hurt.</summary>
public sealed record ContractorChanged(Guid ContractorId, long Version);

/// <summary>A mission's strength or people changed.</summary>
public sealed record MissionChanged(Guid MissionId, long Version);
