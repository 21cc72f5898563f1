using Marten;
using Npgsql;
using NodaTime;
using Posture.Domain.Incidents;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// The last incident of each of a few sites at an instant, read from the incident log in one statement: a site's
/// document keeps no incidents (docs/adr/0011), and the site list must not read every incident to show one instant per
/// row. The log holds incidents as now believed (a correction rewrites its row, a retraction removes it), so the answer
/// is <see cref="IncidentLogEntry.LastBy"/> over the site's rows, found by the (site, occurred-at) index PostureStore
/// declares instead of by reading them.
/// </summary>
public static class LastIncidents
{
    /// <summary>The name of the (site, occurred-at in Unix milliseconds) index of the incident log.</summary>
    public const string IndexName = "mt_doc_incidentlogentry_idx_site_id_occurred_at";

    /// <summary>
    /// When the latest incident at each of <paramref name="siteIds"/> that had happened by <paramref name="at"/> happened;
    /// a site without one is not in the answer.
    /// </summary>
    /// <remarks>
    /// The index holds occurred-at in whole milliseconds (rounded down), and an instant can be finer. An incident at or
    /// before <paramref name="at"/> is therefore either in <paramref name="at"/>'s own millisecond or, when none there
    /// is, in the latest millisecond before it, which every incident in it precedes: each site's rows in those two
    /// milliseconds are read (two probes of the index) and the exact instants compared here. The expressions are the
    /// index's own, so PostgreSQL uses it.
    /// </remarks>
    public static async Task<IReadOnlyDictionary<Guid, Instant>> AtAsync(
        IQuerySession session, IReadOnlyCollection<Guid> siteIds, Instant at, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(siteIds);
        var last = new Dictionary<Guid, Instant>();
        if (siteIds.Count == 0)
        {
            return last;
        }

        await using var command = Statement(session.DocumentStore, siteIds, at);
        var serializer = session.DocumentStore.Options.Serializer();
        await using var reader = await session.ExecuteReaderAsync(command, cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            var site = reader.GetGuid(0);
            var occurredAt = serializer.FromJson<Instant>(reader, 1);
            if (occurredAt <= at && (!last.TryGetValue(site, out var known) || occurredAt > known))
            {
                last[site] = occurredAt;
            }
        }

        return last;
    }

    /// <summary>The statement <see cref="AtAsync"/> runs: each site's rows in <paramref name="at"/>'s millisecond and in the latest one before it.</summary>
    public static NpgsqlCommand Statement(IDocumentStore store, IReadOnlyCollection<Guid> siteIds, Instant at)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(siteIds);
        var log = store.Options.Schema.For<IncidentLogEntry>();
        var command = new NpgsqlCommand($"""
            select site.id, found.occurred_at
            from unnest(@sites) as site(id)
            cross join lateral (
                select entry.data -> 'report' -> 'occurredAt' as occurred_at
                from {log} as entry
                where CAST(entry.data ->> 'siteId' as uuid) = site.id
                  and CAST(entry.data ->> 'occurredAtUnixMilliseconds' as bigint) in (
                      @at,
                      (select max(CAST(earlier.data ->> 'occurredAtUnixMilliseconds' as bigint))
                       from {log} as earlier
                       where CAST(earlier.data ->> 'siteId' as uuid) = site.id
                         and CAST(earlier.data ->> 'occurredAtUnixMilliseconds' as bigint) < @at))
            ) as found
            """);
        command.Parameters.AddWithValue("sites", siteIds.ToArray());
        command.Parameters.AddWithValue("at", at.ToUnixTimeMilliseconds());
        return command;
    }
}
