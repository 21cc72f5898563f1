using NodaTime;
using Posture.Domain.Missions;
using Posture.Domain.Specs.Common;

namespace Posture.Domain.Specs.Missions;

/// <summary>Given events of a Mission stream / when a command at <see cref="DecisionSpecs.Now"/> / then events or a refusal.</summary>
public abstract class MissionSpecs : DecisionSpecs
{
    protected static readonly Guid NatoMissionIraq = Story.NatoMissionIraq;

    /// <summary>Established in October 2018; the day is illustrative.</summary>
    protected static readonly Instant LaunchedAt = Day(2018, 10, 15);

    /// <summary>NATO defence ministers' decision: from about 500 to about 4,000.</summary>
    protected static readonly Instant ExpandedAt = Day(2021, 2, 18);

    protected static readonly MissionLaunched Launched = new(NatoMissionIraq, "NATO Mission Iraq", 500, [BaghdadHq], LaunchedAt);

    protected static readonly MissionExpanded Expanded = new(NatoMissionIraq, 500, 4000, ExpandedAt);

    /// <summary>The sites a handler would find registered.</summary>
    protected static readonly IReadOnlySet<Guid> Registered = new HashSet<Guid> { Balad, Erbil, BaghdadHq };

    protected static Mission? Given(params object[] history) => history.Aggregate((Mission?)null, Mission.Evolve);

    protected static MissionPersonnelAssigned Assigned(int count, Instant at, Guid? site = null) =>
        new(NatoMissionIraq, site ?? BaghdadHq, count, at);

    protected static MissionPersonnelWithdrawn Withdrawn(int count, Instant at, Guid? site = null) =>
        new(NatoMissionIraq, site ?? BaghdadHq, count, at);

    /// <summary>How many of the mission's personnel a history leaves at a site at an instant (by the state's own count).</summary>
    protected static int AssignedAt(Mission? state, Guid site, Instant at) => state.ShouldNotBeNull().AssignedAt(site).At(at);
}
