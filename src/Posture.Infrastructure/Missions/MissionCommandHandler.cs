using Marten;
using NodaTime;
using Posture.Domain.Missions;
using Posture.Infrastructure.Bases;
using Posture.Infrastructure.Bus;
using Wolverine;

namespace Posture.Infrastructure.Missions;

/// <summary>
/// Wolverine handlers for the Mission stream: each only adapts the bus to the domain's decision, looking up the
/// sites a command names first (see <see cref="RegisteredBases"/>).
/// </summary>
public static class MissionCommandHandler
{
    public static async Task<CommandOutcome> Handle(LaunchMission command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(command);
        var knownSites = await session.RegisteredAmongAsync(command.Locations, cancellation).ConfigureAwait(false);
        return await session.DecideAsync<Mission>(
            command.MissionId, context, clock, (state, now) => MissionDecider.Decide(command, state, now, knownSites), cancellation).ConfigureAwait(false);
    }

    public static Task<CommandOutcome> Handle(ExpandMission command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Mission>(command.MissionId, context, clock, (state, now) => MissionDecider.Decide(command, state, now), cancellation);

    public static Task<CommandOutcome> Handle(ReduceMission command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Mission>(command.MissionId, context, clock, (state, now) => MissionDecider.Decide(command, state, now), cancellation);

    public static Task<CommandOutcome> Handle(AssignMissionPersonnel command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAtSiteAsync<Mission>(
            command.MissionId, command.BaseId, context, clock, (state, now, siteKnown) => MissionDecider.Decide(command, state, now, siteKnown), cancellation);

    public static Task<CommandOutcome> Handle(WithdrawMissionPersonnel command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAtSiteAsync<Mission>(
            command.MissionId, command.BaseId, context, clock, (state, now, siteKnown) => MissionDecider.Decide(command, state, now, siteKnown), cancellation);
}
