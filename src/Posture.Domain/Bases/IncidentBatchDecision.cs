using Posture.Domain.Common;

namespace Posture.Domain.Bases;

/// <summary>
/// The decision on a <see cref="RecordIncidents"/>: one decision per incident, in the batch's order (accepted with
/// its event, accepted with none when it was recorded before with the same values, or refused), and
/// <see cref="Combined"/>, what the base's stream gets: every accepted event in order, or the refusal of the whole
/// batch when the base is unknown.
/// </summary>
public sealed record IncidentBatchDecision(IReadOnlyList<Decision> Rows, Rejection? Refused)
{
    public Decision Combined => Refused is { } refused ? Decision.Reject(refused) : Decision.Accept([.. Rows.SelectMany(r => r.Events)]);
}
