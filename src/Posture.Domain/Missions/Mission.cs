using System.Collections.Immutable;
using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Missions;

/// <summary>
/// What decisions about a mission need: its name, when it was launched, its authorised strength and when that last
/// changed, and over time both the people assigned at each site and the places still unfilled (the authorised
/// strength less everyone assigned). Read models are separate types (see Sites/Headcount).
/// </summary>
public sealed record Mission(
    Guid Id,
    string Name,
    Instant LaunchedAt,
    int AuthorisedStrength,
    Instant StrengthChangedAt,
    RunningCount Unassigned,
    ImmutableDictionary<Guid, RunningCount> Assigned)
{
    /// <summary>The mission's personnel at a base, over time.</summary>
    public RunningCount AssignedAt(Guid baseId) => Assigned.GetValueOrDefault(baseId, RunningCount.Zero);

    /// <summary>Folds one event into the state; unknown events leave it unchanged.</summary>
    public static Mission? Evolve(Mission? state, object @event) => (state, @event) switch
    {
        (null, MissionLaunched e) => new Mission(
            e.MissionId,
            e.Name,
            e.LaunchedAt,
            e.AuthorisedStrength,
            e.LaunchedAt,
            RunningCount.Zero.Add(e.LaunchedAt, e.AuthorisedStrength),
            ImmutableDictionary<Guid, RunningCount>.Empty),
        (not null, MissionExpanded e) => state.Authorise(e.To, e.At),
        (not null, MissionReduced e) => state.Authorise(e.To, e.At),
        (not null, MissionPersonnelAssigned e) => state.Move(e.BaseId, e.At, e.Count),
        (not null, MissionPersonnelWithdrawn e) => state.Move(e.BaseId, e.At, -e.Count),
        _ => state,
    };

    private Mission Authorise(int strength, Instant at) => this with
    {
        AuthorisedStrength = strength,
        StrengthChangedAt = at,
        Unassigned = Unassigned.Add(at, strength - AuthorisedStrength),
    };

    private Mission Move(Guid baseId, Instant at, int assigned) => this with
    {
        Assigned = Assigned.SetItem(baseId, AssignedAt(baseId).Add(at, assigned)),
        Unassigned = Unassigned.Add(at, -assigned),
    };
}
