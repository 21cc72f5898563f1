using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Common;
using Posture.Domain.Specs.Common;

namespace Posture.Domain.Specs.Bases;

/// <summary>Given events / when a command at a fixed instant / then events or a named refusal.</summary>
public abstract class BaseSpecs : DecisionSpecs
{

    protected static readonly BaseRegistered BaladRegistered =
        new(Balad, "Balad Air Base", "Iraq", "Salah al-Din", 33.9333, 44.3667, Instant.FromUtc(2020, 1, 1, 0, 0));

    protected static readonly Guid SeedIncident = Guid.Parse("20210220-0000-4000-8000-00000000ba1d");

    /// <summary>The seed story's report: at least four rockets on Saturday evening, open area near the perimeter, one contractor injured.</summary>
    protected static IncidentReport SeedReport(
        Instant? occurredAt = null, int rounds = 4, int killed = 0, int injured = 1, string source = "Iraqi military statement", string? notes = null) =>
        new(occurredAt ?? Instant.FromUtc(2021, 2, 20, 17, 30), TimePrecision.Hour, rounds, Impact.OpenArea, killed, injured,
            Affiliation.Contractor, Attribution.Unknown, null, source, Confidence.Confirmed, notes);

    protected static readonly RocketAttackOccurred SeedAttack = new(Balad, SeedIncident, SeedReport());

    protected static Base? Given(params object[] history) => history.Aggregate((Base?)null, Base.Evolve);

    /// <summary>What the same history says of one incident: what a handler reads from the base's events and gives the decider.</summary>
    protected static IncidentRecord? Known(Guid incidentId, params object[] history) => IncidentRecord.Fold(history).GetValueOrDefault(incidentId);

    /// <summary>Each command about one incident, decided as its handler decides it: on the state and the incident's record after the history.</summary>
    protected static Decision Decide(RecordIncident command, params object[] history) =>
        BaseDecider.Decide(command, Given(history), Known(command.IncidentId, history), Now);

    protected static Decision Decide(CorrectIncident command, params object[] history) =>
        BaseDecider.Decide(command, Given(history), Known(command.IncidentId, history), Now);

    protected static Decision Decide(RetractIncident command, params object[] history) =>
        BaseDecider.Decide(command, Given(history), Known(command.IncidentId, history), Now);
}
