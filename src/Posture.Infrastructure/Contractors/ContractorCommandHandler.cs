using Marten;
using NodaTime;
using Posture.Domain.Contractors;
using Posture.Infrastructure.Bases;
using Posture.Infrastructure.Bus;
using Wolverine;

namespace Posture.Infrastructure.Contractors;

/// <summary>
/// Wolverine handlers for the Contractor stream: each only adapts the bus to the domain's decision, looking up the
/// site a command names first (see <see cref="RegisteredBases.DecideAtSiteAsync{T}"/>).
/// </summary>
public static class ContractorCommandHandler
{
    public static Task<CommandOutcome> Handle(EngageContractor command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAsync<Contractor>(command.ContractorId, context, clock, (state, now) => ContractorDecider.Decide(command, state, now), cancellation);

    public static Task<CommandOutcome> Handle(DeployContractors command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAtSiteAsync<Contractor>(
            command.ContractorId, command.BaseId, context, clock, (state, now, siteKnown) => ContractorDecider.Decide(command, state, now, siteKnown), cancellation);

    public static Task<CommandOutcome> Handle(EvacuateContractors command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAtSiteAsync<Contractor>(
            command.ContractorId, command.BaseId, context, clock, (state, now, siteKnown) => ContractorDecider.Decide(command, state, now, siteKnown), cancellation);

    public static Task<CommandOutcome> Handle(ReturnContractors command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAtSiteAsync<Contractor>(
            command.ContractorId, command.BaseId, context, clock, (state, now, siteKnown) => ContractorDecider.Decide(command, state, now, siteKnown), cancellation);

    public static Task<CommandOutcome> Handle(ReportContractorCasualties command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation) =>
        session.DecideAtSiteAsync<Contractor>(
            command.ContractorId, command.BaseId, context, clock, (state, now, siteKnown) => ContractorDecider.Decide(command, state, now, siteKnown), cancellation);
}
