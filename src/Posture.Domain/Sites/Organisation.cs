using Posture.Domain.Contractors;
using Posture.Domain.Missions;

namespace Posture.Domain.Sites;

/// <summary>
/// A contractor's company or a mission, as the site read models name it: its name, what it is, and (for a mission)
/// its authorised strength now. Built from the Contractor and Mission streams by <see cref="Evolve"/>.
/// </summary>
public sealed record Organisation(Guid Id, string Name, OrganisationKind Kind, string? Programme, int? AuthorisedStrength)
{
    public static Organisation? Evolve(Organisation? organisation, object @event) => (organisation, @event) switch
    {
        (null, ContractorEngaged e) => new Organisation(e.ContractorId, e.Company, OrganisationKind.Contractor, e.Programme, null),
        (null, MissionLaunched e) => new Organisation(e.MissionId, e.Name, OrganisationKind.Mission, null, e.AuthorisedStrength),
        (not null, MissionExpanded e) => organisation with { AuthorisedStrength = e.To },
        (not null, MissionReduced e) => organisation with { AuthorisedStrength = e.To },
        _ => organisation,
    };
}
