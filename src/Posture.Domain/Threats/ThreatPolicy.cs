using NodaTime;
using Posture.Domain.Sites;

namespace Posture.Domain.Threats;

/// <summary>A site's threat level rose a band (or more): commanders are told.</summary>
public sealed record ThreatLevelRaised(Guid SiteId, string SiteName, ThreatLevel From, ThreatLevel To, double Score, Instant At);

/// <summary>
/// A site reached High or Critical while contractors are there: Posture recommends evacuating non-essential
/// contractors, and says whose people are there.
/// </summary>
public sealed record EvacuationRecommended(Guid SiteId, string SiteName, ThreatLevel Level, double Score, Instant At, IReadOnlyList<OrganisationHeadcount> Contractors);

/// <summary>What follows from a change of threat level: pure, so the rules are tested without a bus.</summary>
public static class ThreatPolicy
{
    /// <summary>The level from which contractors' evacuation is recommended.</summary>
    public const ThreatLevel EvacuationLevel = ThreatLevel.High;

    public static IReadOnlyList<object> After(ThreatLevelChanged change, string siteName, SiteHeadcount headcount)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(headcount);
        if (change.To <= change.From)
        {
            return [];
        }

        var contractors = headcount.ByOrganisation.Where(o => o.Kind == OrganisationKind.Contractor && o.People > 0).ToList();
        List<object> messages = [new ThreatLevelRaised(change.SiteId, siteName, change.From, change.To, change.Score, change.At)];
        if (change.To >= EvacuationLevel && contractors.Count > 0)
        {
            messages.Add(new EvacuationRecommended(change.SiteId, siteName, change.To, change.Score, change.At, contractors));
        }

        return messages;
    }
}
