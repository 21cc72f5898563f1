using System.Collections.Concurrent;
using System.Collections.Immutable;
using Posture.Domain.Incidents;
using Posture.Domain.Threats;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// Each site's incidents as threat scoring reads them (<see cref="SiteThreatHistory.Incidents"/>), kept by the site
/// reader with the incident rows they were built from. A busy site's thousand rows come from <see cref="IncidentRows"/>
/// as the same objects read after read; building the scorer's dictionary of them again was a third of a site read's
/// processor time. A site's set is built again as soon as any of its rows is another object (recorded, corrected or
/// retracted since, or read again) or a row is added or gone, so it always equals what would be built from the rows
/// (docs/adr/0026).
/// </summary>
internal sealed class ThreatIncidentSets
{
    private readonly ConcurrentDictionary<Guid, Kept> _sites = new();
    private int _held;

    /// <summary>The incidents of <paramref name="siteId"/> for scoring, from its incident log rows.</summary>
    public ImmutableDictionary<Guid, ThreatIncident> Of(Guid siteId, IReadOnlyList<IncidentLogEntry> rows)
    {
        if (_sites.TryGetValue(siteId, out var kept) && kept.IsFrom(rows))
        {
            return kept.Incidents;
        }

        var built = Build(rows);
        if (Interlocked.Add(ref _held, rows.Count - (kept?.Rows.Count ?? 0)) > IncidentRows.MostKept)
        {
            // Bounded as the rows themselves are: past the limit everything is dropped and built again as read.
            _sites.Clear();
            Interlocked.Exchange(ref _held, rows.Count);
        }

        _sites[siteId] = new Kept(rows.ToDictionary(row => row.Id), built);
        return built;
    }

    /// <summary>The incidents of these rows for scoring, built afresh.</summary>
    public static ImmutableDictionary<Guid, ThreatIncident> Build(IEnumerable<IncidentLogEntry> rows) =>
        rows.ToImmutableDictionary(row => row.Id, row => new ThreatIncident(row.SiteId, row.Id, row.Kind, row.Report, Retracted: false));

    private sealed record Kept(Dictionary<Guid, IncidentLogEntry> Rows, ImmutableDictionary<Guid, ThreatIncident> Incidents)
    {
        /// <summary>The same rows, as the same objects: the ids in both are unique, so equal counts and every row found make equal sets.</summary>
        public bool IsFrom(IReadOnlyList<IncidentLogEntry> rows)
        {
            if (rows.Count != Rows.Count)
            {
                return false;
            }

            foreach (var row in rows)
            {
                if (!Rows.TryGetValue(row.Id, out var held) || !ReferenceEquals(held, row))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
