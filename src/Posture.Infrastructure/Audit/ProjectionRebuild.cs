using System.Data.Common;
using Marten;
using Marten.Storage;
using Npgsql;
using NpgsqlTypes;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Storage;

namespace Posture.Infrastructure.Audit;

/// <summary>
/// What a rebuild did: how many events it folded, how many documents of each projection it wrote, and how often a row
/// parked out of memory was fetched back because a later event changed it.
/// </summary>
public sealed record RebuildOutcome(long Events, IReadOnlyDictionary<string, long> Documents, long FetchedBack);

/// <summary>
/// Posture's own rebuild of every stored projection (docs/adr/0019-one-pass-projection-rebuild.md): one streaming
/// read of the event log in sequence order (only the columns a fold needs), each event deserialized once by the
/// store's serializer and upcasters, folded into every projection's rows by the same routes and pure folds the inline
/// projections use (<see cref="IDomainFold"/>, taken from the store's registrations), the rows written by binary COPY
/// and swapped in for the old ones in one transaction.
/// <para>
/// Memory: the rows being folded are held in memory, at most <see cref="Holding"/> of them; past that, the rows that
/// took the fewest events (then the longest untouched) are parked in the staging tables and fetched back if a later
/// event routes to them, so a history of many short-lived rows (incidents) does not grow the process.
/// </para>
/// </summary>
public sealed class ProjectionRebuild
{
    /// <summary>Rows held in memory before the least active are parked in the staging tables.</summary>
    public const int Holding = 20_000;

    /// <summary>Events read and routed together, so rows parked earlier are fetched back in one query per block.</summary>
    private const int Block = 2_000;

    private readonly IReadOnlyList<IDomainFold> _folds;
    private readonly Dictionary<Guid, Row>[] _rows;
    private readonly ParkedIds[] _parked;
    private readonly DocumentStaging[] _staged;
    private readonly int _holding;
    private long _touched;
    private long _fetchedBack;

    private ProjectionRebuild(IReadOnlyList<IDomainFold> folds, DocumentStaging[] staged, int holding)
    {
        _folds = folds;
        _staged = staged;
        _holding = holding;
        _rows = folds.Select(_ => new Dictionary<Guid, Row>()).ToArray();
        _parked = folds.Select(_ => new ParkedIds()).ToArray();
    }

    /// <summary>The names of the document types a rebuild writes, in the order the store registers their projections.</summary>
    public static IReadOnlyList<string> Names(IDocumentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return PostureStore.StoredFolds(store.Options).Select(f => f.DocumentType.Name).ToList();
    }

    /// <summary>Rebuilds every stored projection from the event log, holding at most <paramref name="holding"/> rows in memory.</summary>
    public static async Task<RebuildOutcome> RunAsync(IDocumentStore store, TimeSpan timeout, CancellationToken cancellation, int holding = Holding)
    {
        ArgumentNullException.ThrowIfNull(store);
        var folds = PostureStore.StoredFolds(store.Options);
        var reading = StoredEventReading.For(store.Options, folds);
        await using var writes = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await writes.OpenAsync(cancellation).ConfigureAwait(false);
        var staged = new DocumentStaging[folds.Count];
        for (var i = 0; i < folds.Count; i++)
        {
            staged[i] = await DocumentStaging.StageAsync(store, writes, folds[i].DocumentType, i, timeout, cancellation).ConfigureAwait(false);
        }

        var rebuild = new ProjectionRebuild(folds, staged, holding);
        var events = await rebuild.FoldAsync(store, reading, timeout, cancellation).ConfigureAwait(false);
        for (var i = 0; i < folds.Count; i++)
        {
            await staged[i].WriteAsync(rebuild._rows[i].Select(r => new StagedDocument(r.Key, r.Value.Document, r.Value.Revision)), cancellation).ConfigureAwait(false);
            rebuild._rows[i].Clear();
        }

        await using (var transaction = await writes.BeginTransactionAsync(cancellation).ConfigureAwait(false))
        {
            foreach (var documents in staged)
            {
                await documents.ReplaceTableAsync(transaction, cancellation).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellation).ConfigureAwait(false);
        }

        return new RebuildOutcome(events, folds.Select((f, i) => (f.DocumentType.Name, staged[i].Staged)).ToDictionary(p => p.Name, p => p.Staged), rebuild._fetchedBack);
    }

    private async Task<long> FoldAsync(IDocumentStore store, StoredEventReading reading, TimeSpan timeout, CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.Read);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"select seq_id, stream_id, version, type, data from {store.Options.Events.DatabaseSchemaName}.mt_events " +
            "where type = any(@types) and is_archived = false order by seq_id", connection);
        command.CommandTimeout = (int)timeout.TotalSeconds;
        command.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = reading.StoredNames.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        var block = new List<Recorded>(Block);
        long events = 0;
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            block.Add(Read(reader, reading));
            if (block.Count == Block)
            {
                await FoldAsync(block, cancellation).ConfigureAwait(false);
                events += block.Count;
                block.Clear();
            }
        }

        await FoldAsync(block, cancellation).ConfigureAwait(false);
        return events + block.Count;
    }

    private static Recorded Read(DbDataReader reader, StoredEventReading reading)
    {
        var sequence = reader.GetInt64(0);
        var stream = reader.GetGuid(1);
        var version = reader.GetInt64(2);
        var type = reader.GetString(3);
        return new Recorded(sequence, stream, version, reading.Read(type, reader, 4));
    }

    private async Task FoldAsync(List<Recorded> block, CancellationToken cancellation)
    {
        // Route the block first: the rows it touches that were parked come back in one query per projection.
        var routes = new List<Guid>[block.Count * _folds.Count];
        var missing = _folds.Select(_ => new HashSet<Guid>()).ToArray();
        for (var e = 0; e < block.Count; e++)
        {
            for (var f = 0; f < _folds.Count; f++)
            {
                var rows = new List<Guid>(1);
                _folds[f].RowsOf(block[e].Stream, block[e].Data, rows);
                routes[(e * _folds.Count) + f] = rows;
                foreach (var id in rows)
                {
                    if (!_rows[f].ContainsKey(id) && _parked[f].MayHold(id))
                    {
                        missing[f].Add(id);
                    }
                }
            }
        }

        for (var f = 0; f < _folds.Count; f++)
        {
            foreach (var parked in await _staged[f].TakeBackAsync(missing[f], cancellation).ConfigureAwait(false))
            {
                _rows[f][parked.Id] = new Row(parked.Document, parked.Revision);
                _fetchedBack++;
            }
        }

        for (var e = 0; e < block.Count; e++)
        {
            var recorded = block[e];
            for (var f = 0; f < _folds.Count; f++)
            {
                var fold = _folds[f];
                foreach (var id in routes[(e * _folds.Count) + f])
                {
                    var rows = _rows[f];
                    var row = rows.GetValueOrDefault(id);
                    var next = fold.Fold(row?.Document, recorded.Data);
                    var revision = fold.KeyedByStream ? recorded.Version : recorded.Sequence;
                    if (next is null)
                    {
                        rows.Remove(id);
                    }
                    else if (row is null)
                    {
                        rows[id] = new Row(next, revision) { Folded = 1, Touched = ++_touched };
                    }
                    else
                    {
                        row.Document = next;
                        row.Revision = revision;
                        row.Folded++;
                        row.Touched = ++_touched;
                    }
                }
            }
        }

        await ParkAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Past the holding limit, parks the rows that took the fewest events (then the longest untouched) until half the limit is left.</summary>
    private async Task ParkAsync(CancellationToken cancellation)
    {
        var held = _rows.Sum(r => r.Count);
        if (held <= _holding)
        {
            return;
        }

        var parking = _rows
            .SelectMany((rows, f) => rows.Select(r => (Fold: f, r.Key, r.Value)))
            .OrderBy(r => r.Value.Folded).ThenBy(r => r.Value.Touched)
            .Take(held - (_holding / 2))
            .ToList();
        foreach (var byFold in parking.GroupBy(p => p.Fold))
        {
            await _staged[byFold.Key].WriteAsync(byFold.Select(p => new StagedDocument(p.Key, p.Value.Document, p.Value.Revision)), cancellation).ConfigureAwait(false);
            foreach (var (fold, id, _) in byFold)
            {
                _rows[fold].Remove(id);
                _parked[fold].Add(id);
            }
        }
    }

    private sealed record Recorded(long Sequence, Guid Stream, long Version, object Data);

    /// <summary>A row being folded: the document, the revision Marten would store with it, and how active it has been.</summary>
    private sealed class Row(object document, long revision)
    {
        public object Document { get; set; } = document;

        public long Revision { get; set; } = revision;

        public int Folded { get; set; }

        public long Touched { get; set; }
    }

    /// <summary>
    /// Which ids may have been parked: a Bloom filter of fixed size (1 MiB a projection), so a block's new rows (most
    /// of them, in a history of incidents) are not looked for in the staging tables, and memory stays flat however
    /// many rows are parked. A false "may" costs only a lookup that finds nothing.
    /// </summary>
    private sealed class ParkedIds
    {
        private const int Bits = 1 << 23;
        private const int Probes = 3;
        private readonly ulong[] _words = new ulong[Bits / 64];

        public void Add(Guid id)
        {
            var (first, step) = Hashes(id);
            for (var i = 0; i < Probes; i++)
            {
                var bit = unchecked(first + ((ulong)i * step)) & (Bits - 1);
                _words[bit >> 6] |= 1UL << (int)(bit & 63);
            }
        }

        public bool MayHold(Guid id)
        {
            var (first, step) = Hashes(id);
            for (var i = 0; i < Probes; i++)
            {
                var bit = unchecked(first + ((ulong)i * step)) & (Bits - 1);
                if ((_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Two hashes mixed from the id's halves (ids are not all random: some are derived from dates and sites).</summary>
        private static (ulong First, ulong Step) Hashes(Guid id)
        {
            Span<byte> bytes = stackalloc byte[16];
            id.TryWriteBytes(bytes);
            var low = BitConverter.ToUInt64(bytes);
            var high = BitConverter.ToUInt64(bytes[8..]);
            return (Mix(low ^ Mix(high)), Mix(unchecked(high + 0x9E3779B97F4A7C15UL)) | 1);
        }

        /// <summary>The SplitMix64 finaliser.</summary>
        private static ulong Mix(ulong value)
        {
            unchecked
            {
                value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
                value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
                return value ^ (value >> 31);
            }
        }
    }
}
