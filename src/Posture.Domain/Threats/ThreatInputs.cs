using System.Collections.Immutable;
using NodaTime;
using Posture.Domain.Bases;

namespace Posture.Domain.Threats;

/// <summary>Where a site is, as registered (degrees).</summary>
public sealed record SiteLocation(double Latitude, double Longitude);

/// <summary>One incident as scoring sees it: at which site, of what kind, what it is now said to be, whether retracted.</summary>
public sealed record ThreatIncident(Guid SiteId, Guid IncidentId, IncidentKind Kind, IncidentReport Report, bool Retracted);

/// <summary>An analyst's floor under a site's computed level, in force from when it was assessed until it expires.</summary>
public sealed record AnalystFloor(ThreatLevel Level, string Reason, Instant AssessedAt, Instant ExpiresAt)
{
    /// <summary>In force from <see cref="AssessedAt"/> (included) to <see cref="ExpiresAt"/> (excluded).</summary>
    public bool InForceAt(Instant at) => AssessedAt <= at && at < ExpiresAt;
}

/// <summary>What one Base stream has said that scoring needs: where the site is, its incidents, its analysts' floors.</summary>
public sealed record SiteThreatHistory(
    Guid SiteId,
    SiteLocation? Location,
    ImmutableDictionary<Guid, ThreatIncident> Incidents,
    ImmutableList<AnalystFloor> Floors)
{
    public static SiteThreatHistory Empty(Guid siteId) =>
        new(siteId, null, ImmutableDictionary<Guid, ThreatIncident>.Empty, ImmutableList<AnalystFloor>.Empty);

    /// <summary>Folds one event of this site's stream; events that say nothing about threat leave it unchanged.</summary>
    public SiteThreatHistory Evolve(object @event) => @event switch
    {
        BaseRegistered e => this with { Location = new SiteLocation(e.Latitude, e.Longitude) },
        IIncidentOccurred e => WithIncident(new ThreatIncident(SiteId, e.IncidentId, e.Kind, e.Report, false)),
        IncidentCorrected e when Incidents.TryGetValue(e.IncidentId, out var known) => WithIncident(known with { Report = e.Corrected }),
        IncidentRetracted e when Incidents.TryGetValue(e.IncidentId, out var known) => WithIncident(known with { Retracted = true }),
        ThreatAssessed e => this with { Floors = Floors.Add(new AnalystFloor(e.Level, e.Reason, e.AssessedAt, e.ExpiresAt)) },
        _ => this,
    };

    private SiteThreatHistory WithIncident(ThreatIncident incident) => this with { Incidents = Incidents.SetItem(incident.IncidentId, incident) };
}

/// <summary>
/// Everything threat scoring reads, folded from the Base streams of all sites (a site's level depends on incidents at
/// its neighbours). Each stream folds into its own <see cref="SiteThreatHistory"/>, so however the streams interleave,
/// the same events in stream order give the same inputs. Which events are folded is the caller's choice: all of them
/// for "as of T", only those recorded by T for "as known at T".
/// </summary>
public sealed record ThreatInputs(ImmutableDictionary<Guid, SiteThreatHistory> Sites)
{
    public static ThreatInputs Empty { get; } = new(ImmutableDictionary<Guid, SiteThreatHistory>.Empty);

    public static ThreatInputs From(IEnumerable<object> events) => events.Aggregate(Empty, Evolve);

    /// <summary>Folds one Base-stream event into the history of the site it belongs to; other events change nothing.</summary>
    public static ThreatInputs Evolve(ThreatInputs inputs, object @event)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (SiteOf(@event) is not { } siteId)
        {
            return inputs;
        }

        var site = inputs.Sites.GetValueOrDefault(siteId) ?? SiteThreatHistory.Empty(siteId);
        return inputs with { Sites = inputs.Sites.SetItem(siteId, site.Evolve(@event)) };
    }

    private static Guid? SiteOf(object @event) => @event switch
    {
        BaseRegistered e => e.BaseId,
        IIncidentOccurred e => e.BaseId,
        IncidentCorrected e => e.BaseId,
        IncidentRetracted e => e.BaseId,
        ThreatAssessed e => e.BaseId,
        _ => null,
    };
}
