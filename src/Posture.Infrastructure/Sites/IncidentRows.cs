using System.Collections.Concurrent;
using Marten;
using Npgsql;
using Posture.Domain.Incidents;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// The incident log rows this process has read, each kept with the version of the row it was read at: PostgreSQL's
/// <c>xmin</c>, the id of the transaction that last wrote the row, which every write changes (Marten's own
/// <c>mt_version</c> on a projected document is a revision whose rules are Marten's). A site read asks PostgreSQL only
/// for the ids and versions of the rows it needs (by the site index, without the documents) and loads the rows it does
/// not hold at that version: a busy site's incidents are deserialized once, then only what was recorded, corrected or
/// retracted since. It stays exact whoever writes (another node, the CLI, a rebuild, a reset): a rewritten row has a new
/// version, a removed row is no longer listed, and a row is never kept under a version older than what was loaded
/// (docs/adr/0020).
/// </summary>
internal sealed class IncidentRows
{
    /// <summary>
    /// At most this many rows are held (a few hundred bytes each); past it the rows are dropped and read again as
    /// needed, so memory stays bounded whatever the size of the log.
    /// </summary>
    public const int MostKept = 200_000;

    private readonly ConcurrentDictionary<Guid, (uint Version, IncidentLogEntry Entry)> _rows = new();

    /// <summary>The ids and current versions of the incidents of these sites.</summary>
    public static async Task<IReadOnlyList<(Guid Id, uint Version)>> ListAsync(IQuerySession session, Guid[] siteIds, CancellationToken cancellation)
    {
        // The same expression as the first column of the (site, occurred-at) index PostureStore declares, so PostgreSQL
        // reads it by that index.
        await using var command = new NpgsqlCommand(
            $"select id, xmin from {session.DocumentStore.Options.Schema.For<IncidentLogEntry>()} where CAST(data ->> 'siteId' as uuid) = ANY(@sites)");
        command.Parameters.AddWithValue("sites", siteIds);
        await using var reader = await session.ExecuteReaderAsync(command, cancellation).ConfigureAwait(false);
        var listed = new List<(Guid, uint)>();
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            listed.Add((reader.GetGuid(0), reader.GetFieldValue<uint>(1)));
        }

        return listed;
    }

    /// <summary>The listed rows not held at their listed version: the ones to load.</summary>
    public Guid[] Missing(IReadOnlyList<(Guid Id, uint Version)> listed) =>
        listed.Where(row => !_rows.TryGetValue(row.Id, out var held) || held.Version != row.Version).Select(row => row.Id).ToArray();

    /// <summary>
    /// The listed rows: the loaded ones, kept under their listed version from now on (a row loaded after the listing is
    /// that version or newer; if newer, the next listing names a version it is not kept under, and it is loaded again),
    /// and the rest from what is held. A row removed between the listing and the load is left out.
    /// </summary>
    public IReadOnlyList<IncidentLogEntry> Compose(IReadOnlyList<(Guid Id, uint Version)> listed, IReadOnlyList<IncidentLogEntry> loaded)
    {
        if (_rows.Count + loaded.Count > MostKept)
        {
            _rows.Clear();
        }

        var fresh = loaded.ToDictionary(e => e.Id);
        var rows = new List<IncidentLogEntry>(listed.Count);
        foreach (var (id, version) in listed)
        {
            if (fresh.TryGetValue(id, out var entry))
            {
                _rows[id] = (version, entry);
                rows.Add(entry);
            }
            else if (_rows.TryGetValue(id, out var held) && held.Version == version)
            {
                rows.Add(held.Entry);
            }
        }

        return rows;
    }
}
