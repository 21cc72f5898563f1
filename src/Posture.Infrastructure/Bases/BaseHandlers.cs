using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Infrastructure.Bus;

namespace Posture.Infrastructure.Bases;

// Wolverine handlers for the Base stream. Each loads the decision state (with optimistic concurrency on the stream
// version), lets the domain decide, and appends what it decided. Wolverine commits the session (and its outbox).

public static class RegisterBaseHandler
{
    public static async Task<CommandOutcome> Handle(RegisterBase command, IDocumentSession session, IClock clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(clock);
        var stream = await session.Events.FetchForWriting<Base>(command.BaseId, cancellation).ConfigureAwait(false);
        return stream.Record(BaseDecider.Decide(command, stream.Aggregate, clock.GetCurrentInstant()));
    }
}

public static class RecordRocketAttackHandler
{
    public static async Task<CommandOutcome> Handle(RecordRocketAttack command, IDocumentSession session, IClock clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(clock);
        var stream = await session.Events.FetchForWriting<Base>(command.BaseId, cancellation).ConfigureAwait(false);
        return stream.Record(BaseDecider.Decide(command, stream.Aggregate, clock.GetCurrentInstant()));
    }
}
