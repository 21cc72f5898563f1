using System.Collections.Immutable;
using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Contractors;

/// <summary>
/// What decisions about a contractor need: its company, when it was engaged, and per base how many of its people
/// are there and how many evacuated from there are still away, each over time (so a late report is checked against
/// every moment after it). Read models are separate types (see Sites/Headcount).
/// </summary>
public sealed record Contractor(
    Guid Id,
    string Company,
    Instant EngagedAt,
    ImmutableDictionary<Guid, RunningCount> People,
    ImmutableDictionary<Guid, RunningCount> Evacuated)
{
    private static readonly ImmutableDictionary<Guid, RunningCount> NoOne = ImmutableDictionary<Guid, RunningCount>.Empty;

    /// <summary>The contractor's people at a base, over time.</summary>
    public RunningCount PeopleAt(Guid baseId) => People.GetValueOrDefault(baseId, RunningCount.Zero);

    /// <summary>The contractor's people evacuated from a base and not yet returned to it, over time.</summary>
    public RunningCount EvacuatedFrom(Guid baseId) => Evacuated.GetValueOrDefault(baseId, RunningCount.Zero);

    /// <summary>Folds one event into the state; unknown events leave it unchanged.</summary>
    public static Contractor? Evolve(Contractor? state, object @event) => (state, @event) switch
    {
        (null, ContractorEngaged e) => new Contractor(e.ContractorId, e.Company, e.EngagedAt, NoOne, NoOne),
        (not null, ContractorsDeployed e) => state.Move(e.BaseId, e.At, people: e.Count, evacuated: 0),
        (not null, ContractorsEvacuated e) => state.Move(e.BaseId, e.At, people: -e.Count, evacuated: e.Count),
        (not null, ContractorsReturned e) => state.Move(e.BaseId, e.At, people: e.Count, evacuated: -e.Count),
        (not null, ContractorCasualtiesReported e) => state.Move(e.BaseId, e.At, people: -e.Killed, evacuated: 0),
        _ => state,
    };

    private Contractor Move(Guid baseId, Instant at, int people, int evacuated) => this with
    {
        People = People.SetItem(baseId, PeopleAt(baseId).Add(at, people)),
        Evacuated = Evacuated.SetItem(baseId, EvacuatedFrom(baseId).Add(at, evacuated)),
    };
}
