using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Sites;
using Wolverine;

namespace Posture.Infrastructure.Bases;

/// <summary>
/// Wolverine handlers for the Base stream: each only adapts the bus to the domain's decision (see
/// <see cref="StreamDecisions"/>); a correction also reads the report it corrects (<see cref="IncidentReports"/>).
/// </summary>
public static class BaseCommandHandler
{
    public static Task<CommandOutcome> Handle(RegisterBase command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);

    public static async Task<(CommandOutcome, OutgoingMessages)> Handle(
        RecordIncident command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        Reassessed(await session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation),
            "incident recorded");

    public static async Task<(CommandOutcome, OutgoingMessages)> Handle(
        CorrectIncident command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        Reassessed(await session.DecideAsync<Base>(command.BaseId, context, clock, async (state, version, now, token) =>
                BaseDecider.Decide(command, state, await session.ReportToCorrectAsync(command, state, version, token).ConfigureAwait(false), now),
            cancellation), "incident corrected");

    public static async Task<(CommandOutcome, OutgoingMessages)> Handle(
        RetractIncident command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        Reassessed(await session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation),
            "incident retracted");

    public static async Task<(CommandOutcome, OutgoingMessages)> Handle(
        AssessThreat command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        Reassessed(await session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation),
            "analyst assessment");

    public static Task<CommandOutcome> Handle(SetForceProtectionCondition command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);

    /// <summary>A change that moves a site's threat asks for its level (and its neighbours') to be evaluated again.</summary>
    private static (CommandOutcome, OutgoingMessages) Reassessed(CommandOutcome outcome, string cause)
    {
        var messages = new OutgoingMessages();
        if (outcome is { Accepted: true, EventsAppended: > 0 })
        {
            messages.Add(new ReassessThreat([outcome.StreamId], cause));
        }

        return (outcome, messages);
    }
}
