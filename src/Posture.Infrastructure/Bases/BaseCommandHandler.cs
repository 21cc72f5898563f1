using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Infrastructure.Bus;
using Wolverine;

namespace Posture.Infrastructure.Bases;

/// <summary>
/// Wolverine handlers for the Base stream: each only adapts the bus to the domain's decision (see
/// <see cref="StreamDecisions.DecideAsync{T}"/>).
/// </summary>
public static class BaseCommandHandler
{
    public static Task<CommandOutcome> Handle(RegisterBase command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);

    public static Task<CommandOutcome> Handle(RecordIncident command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);

    public static Task<CommandOutcome> Handle(CorrectIncident command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);

    public static Task<CommandOutcome> Handle(RetractIncident command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);

    public static Task<CommandOutcome> Handle(AssessThreat command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);

    public static Task<CommandOutcome> Handle(SetForceProtectionCondition command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, context, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);
}
