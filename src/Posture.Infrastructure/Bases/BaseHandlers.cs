using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Infrastructure.Bus;

namespace Posture.Infrastructure.Bases;

// Wolverine handlers for the Base stream: each only adapts the bus to the domain's decision.

public static class RegisterBaseHandler
{
    public static Task<CommandOutcome> Handle(RegisterBase command, IDocumentSession session, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);
}

public static class RecordRocketAttackHandler
{
    public static Task<CommandOutcome> Handle(RecordRocketAttack command, IDocumentSession session, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Base>(command.BaseId, clock, (state, now) => BaseDecider.Decide(command, state, now), cancellation);
}
