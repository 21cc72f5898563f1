using NodaTime;
using Posture.Domain.Contractors;
using Posture.Domain.Specs.Common;

namespace Posture.Domain.Specs.Contractors;

/// <summary>Given events of a Contractor stream / when a command at <see cref="DecisionSpecs.Now"/> / then events or a refusal.</summary>
public abstract class ContractorSpecs : DecisionSpecs
{
    protected static readonly Guid Sallyport = Story.Sallyport;

    /// <summary>Illustrative: the sources say Sallyport was at Balad by 2018, not when its engagement began.</summary>
    protected static readonly Instant EngagedAt = Day(2017, 12, 1);

    protected static readonly ContractorEngaged SallyportEngaged = new(Sallyport, "Sallyport", "Iraqi F-16 programme", EngagedAt);

    protected static Contractor? Given(params object[] history) => history.Aggregate((Contractor?)null, Contractor.Evolve);

    protected static ContractorsDeployed Deployed(int count, Instant at, Guid? site = null) => new(Sallyport, site ?? Balad, count, at);

    protected static ContractorsEvacuated Evacuated(int count, Instant at, Guid? site = null) =>
        new(Sallyport, site ?? Balad, count, "Erbil", "rocket attacks on the base", at);

    /// <summary>How many of Sallyport's people a history leaves at a site at an instant (by the state's own count).</summary>
    protected static int PeopleAt(Contractor? state, Guid site, Instant at) => state.ShouldNotBeNull().PeopleAt(site).At(at);
}
