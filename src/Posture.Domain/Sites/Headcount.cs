using NodaTime;
using Posture.Domain.Contractors;
using Posture.Domain.Missions;

namespace Posture.Domain.Sites;

/// <summary>Whose people a headcount line counts.</summary>
public enum OrganisationKind
{
    Contractor,
    Mission,
}

/// <summary>One organisation's people at a site: a contractor's company, or a mission.</summary>
public sealed record OrganisationHeadcount(Guid OrganisationId, string Organisation, OrganisationKind Kind, int People);

/// <summary>
/// Who is at a site at an instant: each organisation with people there (contractors first, then missions, each by
/// name), the contractor and mission totals, and everyone.
/// </summary>
public sealed record SiteHeadcount(
    Guid BaseId,
    IReadOnlyList<OrganisationHeadcount> ByOrganisation,
    int Contractors,
    int Mission,
    int Total)
{
    public static SiteHeadcount Empty(Guid baseId) => new(baseId, [], 0, 0, 0);
}

/// <summary>
/// Headcount as a pure function of history: given the events of any Contractor and Mission streams (in any order)
/// and an instant T, how many people each organisation has at each site at T. Only events whose <c>At</c> is at or
/// before T count; the names come from <see cref="ContractorEngaged"/> and <see cref="MissionLaunched"/> whenever they
/// happened, and an organisation whose name is not in the history is named by its id.
/// </summary>
public static class Headcount
{
    /// <summary>Every site anyone had been sent to by T, in the order of their ids.</summary>
    public static IReadOnlyList<SiteHeadcount> AtInstant(IEnumerable<object> history, Instant at)
    {
        ArgumentNullException.ThrowIfNull(history);
        var names = new Dictionary<Guid, string>();
        var movements = new List<HeadcountChange>();
        foreach (var @event in history)
        {
            if (NameOf(@event) is { } named)
            {
                names[named.OrganisationId] = named.Name;
            }

            if (ChangeOf(@event) is { } movement && movement.At <= at)
            {
                movements.Add(movement);
            }
        }

        return movements
            .GroupBy(m => m.BaseId)
            .OrderBy(site => site.Key)
            .Select(site => Site(site.Key, site, names))
            .ToList();
    }

    /// <summary>One site at T; an empty headcount when no one had been sent there by T.</summary>
    public static SiteHeadcount OfSite(IEnumerable<object> history, Guid baseId, Instant at) =>
        AtInstant(history, at).SingleOrDefault(site => site.BaseId == baseId) ?? SiteHeadcount.Empty(baseId);

    /// <summary>
    /// One site at T from the changes recorded for it (as a read model keeps them) and the organisations' names;
    /// changes after T are left out.
    /// </summary>
    public static SiteHeadcount OfSite(Guid baseId, IEnumerable<HeadcountChange> changes, Instant at, IReadOnlyDictionary<Guid, string> names)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return Site(baseId, changes.Where(c => c.BaseId == baseId && c.At <= at), names);
    }

    private static SiteHeadcount Site(Guid baseId, IEnumerable<HeadcountChange> movements, IReadOnlyDictionary<Guid, string> names)
    {
        var organisations = movements
            .GroupBy(m => (m.OrganisationId, m.Kind))
            .Select(o => new OrganisationHeadcount(
                o.Key.OrganisationId,
                names.GetValueOrDefault(o.Key.OrganisationId, o.Key.OrganisationId.ToString()),
                o.Key.Kind,
                o.Sum(m => m.Change)))
            .Where(o => o.People != 0)
            .OrderBy(o => o.Kind)
            .ThenBy(o => o.Organisation, StringComparer.Ordinal)
            .ToList();
        var contractors = organisations.Where(o => o.Kind == OrganisationKind.Contractor).Sum(o => o.People);
        var mission = organisations.Where(o => o.Kind == OrganisationKind.Mission).Sum(o => o.People);
        return new SiteHeadcount(baseId, organisations, contractors, mission, contractors + mission);
    }

    private static (Guid OrganisationId, string Name)? NameOf(object @event) => @event switch
    {
        ContractorEngaged e => (e.ContractorId, e.Company),
        MissionLaunched e => (e.MissionId, e.Name),
        _ => null,
    };

    /// <summary>How an event changes the number of an organisation's people at a site; the killed leave the count.</summary>
    public static HeadcountChange? ChangeOf(object @event) => @event switch
    {
        ContractorsDeployed e => new(e.BaseId, e.ContractorId, OrganisationKind.Contractor, e.At, e.Count),
        ContractorsEvacuated e => new(e.BaseId, e.ContractorId, OrganisationKind.Contractor, e.At, -e.Count),
        ContractorsReturned e => new(e.BaseId, e.ContractorId, OrganisationKind.Contractor, e.At, e.Count),
        ContractorCasualtiesReported e => new(e.BaseId, e.ContractorId, OrganisationKind.Contractor, e.At, -e.Killed),
        MissionPersonnelAssigned e => new(e.BaseId, e.MissionId, OrganisationKind.Mission, e.At, e.Count),
        MissionPersonnelWithdrawn e => new(e.BaseId, e.MissionId, OrganisationKind.Mission, e.At, -e.Count),
        _ => null,
    };
}

/// <summary>One event's change to the number of an organisation's people at a site, at the instant it happened.</summary>
public sealed record HeadcountChange(Guid BaseId, Guid OrganisationId, OrganisationKind Kind, Instant At, int Change);
