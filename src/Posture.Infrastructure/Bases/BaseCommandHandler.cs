using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Common;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Sites;
using Wolverine;

namespace Posture.Infrastructure.Bases;

/// <summary>
/// Wolverine handlers for the Base stream: each only adapts the bus to the domain's decision (see
/// <see cref="StreamDecisions"/>); a command about incidents is also given what the base's events say of them
/// (<see cref="IncidentRecords"/>), read in the same round trip as the base's state.
/// </summary>
public static class BaseCommandHandler
{
    public static Task<CommandOutcome> Handle(RegisterBase command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);

    public static async Task<(CommandOutcome, OutgoingMessages)> Handle(
        RecordIncident command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        Reassessed(await session.DecideOnIncidentsAsync(command.BaseId, [command.IncidentId], context, clock,
            (state, known, elsewhere, now) => BaseDecider.Decide(
                command, state, known.GetValueOrDefault(command.IncidentId), now, elsewhere.TryGetValue(command.IncidentId, out var other) ? other : null),
            cancellation), "incident recorded");

    /// <summary>
    /// A batch of incidents at one base (an import's): decided row by row on the base (a repeat compared with the
    /// report first recorded, read with the base's state), appended in one transaction, and reassessed once.
    /// </summary>
    public static async Task<(IncidentBatchOutcome, OutgoingMessages)> Handle(
        RecordIncidents command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation)
    {
        IncidentBatchDecision? batch = null;
        var outcome = await session.DecideOnIncidentsAsync(command.BaseId, [.. command.Incidents.Select(i => i.IncidentId)], context, clock, (state, known, elsewhere, now) =>
        {
            batch = BaseDecider.Decide(command, state, known, now, elsewhere);
            return batch.Combined;
        }, cancellation);
        var (reassessed, messages) = Reassessed(outcome, "incidents recorded");
        return (BatchOutcome(command, reassessed, batch), messages);
    }

    /// <summary>A batch's outcome row by row: each row's own decision, or, when the whole batch was refused, that refusal for every row.</summary>
    internal static IncidentBatchOutcome BatchOutcome(RecordIncidents command, CommandOutcome outcome, IncidentBatchDecision? batch) =>
        new(outcome, outcome.Accepted && batch is not null
            ? batch.Rows.Select(r => new IncidentRowOutcome(r.Events.Count > 0, r.Rejection)).ToList()
            : command.Incidents.Select(_ => new IncidentRowOutcome(false, outcome.Rejection)).ToList());

    public static async Task<(CommandOutcome, OutgoingMessages)> Handle(
        CorrectIncident command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        Reassessed(await session.DecideOnIncidentsAsync(command.BaseId, [command.IncidentId], context, clock,
            (state, known, _, now) => BaseDecider.Decide(command, state, known.GetValueOrDefault(command.IncidentId), now), cancellation), "incident corrected");

    public static async Task<(CommandOutcome, OutgoingMessages)> Handle(
        RetractIncident command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        Reassessed(await session.DecideOnIncidentsAsync(command.BaseId, [command.IncidentId], context, clock,
            (state, known, _, now) => BaseDecider.Decide(command, state, known.GetValueOrDefault(command.IncidentId), now), cancellation), "incident retracted");

    public static async Task<(CommandOutcome, OutgoingMessages)> Handle(
        AssessThreat command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        Reassessed(await session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation),
            "analyst assessment");

    public static Task<CommandOutcome> Handle(SetForceProtectionCondition command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);

    /// <summary>
    /// A change that moves a site's threat asks for its level (and its neighbours') to be evaluated again, in a batch with
    /// the other changes of the moment (docs/adr/0031).
    /// </summary>
    private static (CommandOutcome, OutgoingMessages) Reassessed(CommandOutcome outcome, string cause)
    {
        var messages = new OutgoingMessages();
        if (outcome is { Accepted: true, EventsAppended: > 0 })
        {
            messages.Add(new ThreatInputsChanged(outcome.StreamId, cause));
        }

        return (outcome, messages);
    }
}

/// <summary>
/// What a <see cref="RecordIncidents"/> answers: the outcome for the base's stream (refused only when the whole batch
/// is, an unknown base) and one outcome per incident, in the batch's order.
/// </summary>
public sealed record IncidentBatchOutcome(CommandOutcome Stream, IReadOnlyList<IncidentRowOutcome> Rows);

/// <summary>One incident of a batch: recorded now, or refused (why), or neither: recorded before with the same values.</summary>
public sealed record IncidentRowOutcome(bool Recorded, Rejection? Rejection);
