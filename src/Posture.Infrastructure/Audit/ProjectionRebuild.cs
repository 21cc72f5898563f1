using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
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
/// projections use (<see cref="IDomainFold"/>, taken from the store's registrations, the running threat sums among
/// them), the rows written by binary COPY into fresh tables that take the old ones' place in one transaction
/// (<see cref="DocumentStaging"/>).
/// <para>
/// Reading and writing overlap: a writer on a connection of its own takes the rows to write from a bounded queue, so
/// PostgreSQL inserts (and the writer serializes) while the events are read and folded.
/// </para>
/// <para>
/// Memory: the rows being folded are held in memory, at most <see cref="Holding"/> of them; past that, the rows that
/// took the fewest events (then the longest untouched) are written early and fetched back if a later event routes to
/// them, so a history of many short-lived rows (incidents) does not grow the process. Nothing else grows with the
/// events: blocks, the queue and the filter of written ids are of fixed size.
/// </para>
/// </summary>
public sealed class ProjectionRebuild
{
    /// <summary>Rows held in memory before the least active are written early.</summary>
    public const int Holding = 20_000;

    /// <summary>Events read and routed together, so rows written early are fetched back in one query per block.</summary>
    private const int Block = 2_000;

    /// <summary>Batches of rows the writer may have queued before the folding waits for it.</summary>
    private const int Queued = 2;

    /// <summary>Connections finishing the fresh tables at once: the incident log's key and its two indexes.</summary>
    private const int Finishing = 3;

    /// <summary>
    /// The advisory lock that keeps rebuilds apart (<c>pg_advisory_lock(LockClass, LockObject)</c>; <c>pg_locks</c> shows
    /// a rebuild holding it, or waiting for it), in PostgreSQL's space of two-number keys (Marten and Wolverine take
    /// theirs by one 64-bit number, a space of its own): "Post" and the number of the rebuild's decision record.
    /// </summary>
    public const int LockClass = 0x506F7374;

    /// <inheritdoc cref="LockClass"/>
    public const int LockObject = 19;

    private readonly IReadOnlyList<IDomainFold> _folds;
    private readonly int[] _foldOrder;
    private readonly int[] _reads;
    private readonly Dictionary<Guid, Row>[] _rows;
    private readonly ParkedIds[] _parked;
    private readonly Channel<Work> _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(Queued) { SingleReader = true, SingleWriter = true });

    /// <summary>Batches the writer has written, kept for the next rows to write (a batch is large: made anew each time, they filled the large-object heap).</summary>
    private readonly ConcurrentQueue<List<StagedDocument>> _spareBatches = new();

    /// <summary>Each event's rows in each projection, for one block: the lists are cleared and refilled block after block.</summary>
    private readonly List<Guid>[] _routes;
    private readonly HashSet<Guid>[] _missing;
    private Parkable[] _parkable = [];
    private readonly int _holding;
    private long _touched;
    private long _fetchedBack;

    private ProjectionRebuild(IReadOnlyList<IDomainFold> folds, int holding)
    {
        _folds = folds;
        _holding = holding;
        _rows = folds.Select(_ => new Dictionary<Guid, Row>()).ToArray();
        _parked = folds.Select(_ => new ParkedIds()).ToArray();
        // A fold that reads another's row sees it as it stood before the event: it folds first.
        _foldOrder = [.. Enumerable.Range(0, folds.Count).OrderBy(f => folds[f] is IDomainFoldReading ? 0 : 1)];
        _reads = [.. folds.Select(f => f is IDomainFoldReading reading ? IndexOf(folds, reading) : -1)];
        _routes = [.. Enumerable.Range(0, Block * folds.Count).Select(_ => new List<Guid>(1))];
        _missing = [.. folds.Select(_ => new HashSet<Guid>())];
    }

    /// <summary>The names of the document types a rebuild writes, in the order the store registers their projections.</summary>
    public static IReadOnlyList<string> Names(IDocumentStore store) => [.. Folds(store).Select(f => f.DocumentType.Name)];

    /// <summary>
    /// Every projection the store keeps that a rebuild folds: the domain folds (<see cref="PostureStore.StoredFolds"/>)
    /// and the running threat sums.
    /// </summary>
    private static IReadOnlyList<IDomainFold> Folds(IDocumentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return [.. PostureStore.StoredFolds(store.Options), PostureStore.ThreatSumsOf(store)];
    }

    private static int IndexOf(IReadOnlyList<IDomainFold> folds, IDomainFoldReading reading)
    {
        for (var f = 0; f < folds.Count; f++)
        {
            if (folds[f].DocumentType == reading.ReadsDocumentType)
            {
                return f;
            }
        }

        throw new InvalidOperationException(
            $"{reading.DocumentType.Name} reads {reading.ReadsDocumentType.Name} rows, which the store keeps no projection of: it cannot be rebuilt");
    }

    /// <summary>Rebuilds every stored projection from the event log, holding at most <paramref name="holding"/> rows in memory.</summary>
    public static async Task<RebuildOutcome> RunAsync(IDocumentStore store, TimeSpan timeout, CancellationToken cancellation, int holding = Holding)
    {
        var folds = Folds(store);
        var reading = StoredEventReading.For(store.Options, folds);
        foreach (var fold in folds)
        {
            await store.Storage.Database.EnsureStorageExistsAsync(fold.DocumentType, cancellation).ConfigureAwait(false);
        }

        // One rebuild at a time: the fresh tables are committed before the swap, under names every rebuild uses. The lock
        // is held by this connection's session, so a rebuild whose process ends lets go of it with its connection.
        await using var guard = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await guard.OpenAsync(cancellation).ConfigureAwait(false);
        string[] schemas = [.. folds.Select(f => store.Options.FindOrResolveDocumentType(f.DocumentType).TableName.Schema).Distinct()];
        var locked = false;
        try
        {
            // Inside the try: a wait cancelled just as the lock was granted still lets go of it.
            await ExecuteAsync(guard, $"select pg_advisory_lock({LockClass}, {LockObject})", timeout, cancellation).ConfigureAwait(false);
            locked = true;
            // What a rebuild that stopped before its swap left behind; the tables it was to replace are as they were.
            await DocumentStaging.DropLeftoversAsync(guard, schemas, cancellation).ConfigureAwait(false);
            return await RebuildAsync(store, guard, folds, reading, timeout, holding, cancellation).ConfigureAwait(false);
        }
        catch when (locked)
        {
            // Only with the lock held: the fresh tables are this rebuild's own, not those of one running.
            await DropLeftoversIfAbleAsync(guard, schemas).ConfigureAwait(false);
            throw;
        }
        finally
        {
            await UnlockIfAbleAsync(guard).ConfigureAwait(false);
        }
    }

    private static async Task<RebuildOutcome> RebuildAsync(
        IDocumentStore store, NpgsqlConnection guard, IReadOnlyList<IDomainFold> folds, StoredEventReading reading, TimeSpan timeout, int holding,
        CancellationToken cancellation)
    {
        // The fresh tables are made and written outside any transaction, each statement committed as it ends: they take
        // the old tables' place in the swap's one transaction at the end, and until then nobody reads them.
        await using var writes = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await writes.OpenAsync(cancellation).ConfigureAwait(false);
        var rebuild = new ProjectionRebuild(folds, holding);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // The fresh tables are made on the writer's connection while the first events are read and folded on another:
        // nothing is written into them before the first rows are written early, or the pass ends. (Not stopped by a
        // failure of the pass: it ends soon, and a failure to make them is then the one thrown, not the stop it caused.)
        var staging = StageAsync(store, writes, folds, timeout, cancellation);
        var writing = rebuild.WriteAsync(staging, stop);
        var folding = rebuild.FoldAllAsync(store, reading, timeout, stop);
        using (var connections = new StagingConnections(store, Finishing))
        {
            // Everything ended (a failure, if any, thrown) before the swap, or before the fresh tables are dropped: the
            // writer and the finishing both wait for the tables to be made.
            await Task.WhenAll(staging, folding, writing, rebuild.FinishAsync(staging, folding, writing, connections, cancellation)).ConfigureAwait(false);
        }

        var staged = await staging.ConfigureAwait(false);

        await using (var swap = await guard.BeginTransactionAsync(cancellation).ConfigureAwait(false))
        {
            foreach (var documents in staged)
            {
                await documents.SwapAsync(guard, cancellation).ConfigureAwait(false);
            }

            await swap.CommitAsync(cancellation).ConfigureAwait(false);
        }

        return new RebuildOutcome(
            await folding.ConfigureAwait(false),
            folds.Select((f, i) => (f.DocumentType.Name, staged[i].Staged)).ToDictionary(p => p.Name, p => p.Staged),
            rebuild._fetchedBack);
    }

    /// <summary>A fresh table for each projection, made one after another on <paramref name="writes"/>.</summary>
    private static async Task<DocumentStaging[]> StageAsync(
        IDocumentStore store, NpgsqlConnection writes, IReadOnlyList<IDomainFold> folds, TimeSpan timeout, CancellationToken cancellation)
    {
        var staged = new DocumentStaging[folds.Count];
        for (var i = 0; i < folds.Count; i++)
        {
            staged[i] = await DocumentStaging.StageAsync(store, writes, folds[i].DocumentType, i, timeout, cancellation).ConfigureAwait(false);
        }

        return staged;
    }

    /// <summary>
    /// Once the pass has folded every event: the rows still held, the keys, the indexes and the analyses, every table
    /// side by side on connections of their own, the table with the most rows first, as it takes longest. Each table
    /// writes the rows it still holds while the writer finishes the rows queued before (<paramref name="writing"/>), and
    /// is indexed once the writer is done.
    /// </summary>
    private async Task FinishAsync(
        Task<DocumentStaging[]> staging, Task folding, Task writing, StagingConnections connections, CancellationToken cancellation)
    {
        await folding.ConfigureAwait(false);
        var staged = await staging.ConfigureAwait(false);
        await Task.WhenAll(Enumerable.Range(0, staged.Length)
            .OrderByDescending(f => staged[f].Staged + _rows[f].Count)
            .Select(f => staged[f].FinishAsync(
                [.. _rows[f].Select(r => new StagedDocument(r.Key, r.Value.Document, r.Value.Revision))], writing, connections, cancellation)))
            .ConfigureAwait(false);
    }

    /// <summary>After a failure: the fresh tables dropped now if the connection still can (else by the next rebuild).</summary>
    private static async Task DropLeftoversIfAbleAsync(NpgsqlConnection guard, string[] schemas)
    {
        try
        {
            await DocumentStaging.DropLeftoversAsync(guard, schemas, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, or broken: the next rebuild drops them.
        }
    }

    /// <summary>Lets go of the lock; a connection that is gone has let go of it already.</summary>
    private static async Task UnlockIfAbleAsync(NpgsqlConnection guard)
    {
        try
        {
            await ExecuteAsync(guard, $"select pg_advisory_unlock({LockClass}, {LockObject})", TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Closing the connection lets go of the lock too.
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, TimeSpan timeout, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.CommandTimeout = (int)timeout.TotalSeconds;
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// The writer: once the fresh tables are made, writes each batch queued, and answers fetches in turn, so a fetch sees
    /// every row queued before it.
    /// </summary>
    private async Task WriteAsync(Task<DocumentStaging[]> staging, CancellationTokenSource stop)
    {
        try
        {
            var staged = await staging.ConfigureAwait(false);
            await foreach (var work in _queue.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                switch (work)
                {
                    case Write write:
                        await staged[write.Fold].WriteAsync(write.Documents, stop.Token).ConfigureAwait(false);
                        write.Documents.Clear();
                        _spareBatches.Enqueue(write.Documents);
                        break;
                    case Fetch fetch:
                        var taken = new IReadOnlyList<StagedDocument>[staged.Length];
                        for (var f = 0; f < staged.Length; f++)
                        {
                            taken[f] = await staged[f].TakeBackAsync(fetch.Ids[f], stop.Token).ConfigureAwait(false);
                        }

                        fetch.Answer.SetResult(taken);
                        break;
                }
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reads and folds every event, queueing the rows to write early; answers how many events it folded. The rows held
    /// at the end are left for the finishing (<see cref="DocumentStaging.FinishAsync"/>), which writes each table's own
    /// on a connection of its own.
    /// </summary>
    private async Task<long> FoldAllAsync(IDocumentStore store, StoredEventReading reading, TimeSpan timeout, CancellationTokenSource stop)
    {
        try
        {
            var events = await FoldAsync(store, reading, timeout, stop.Token).ConfigureAwait(false);
            _queue.Writer.Complete();
            return events;
        }
        catch (Exception e)
        {
            _queue.Writer.TryComplete(e);
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task QueueAsync(int fold, List<StagedDocument> documents, CancellationToken cancellation)
    {
        if (documents.Count > 0)
        {
            await _queue.Writer.WriteAsync(new Write(fold, documents), cancellation).ConfigureAwait(false);
        }
    }

    private async Task<long> FoldAsync(IDocumentStore store, StoredEventReading reading, TimeSpan timeout, CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.Read);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        await using var inKeyOrder = await connection.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        await ExecuteAsync(connection, InKeyOrder, timeout, cancellation).ConfigureAwait(false);
        await using var command = EventsQuery(connection, store.Options.Events.DatabaseSchemaName, reading.StoredNames);
        command.CommandTimeout = (int)timeout.TotalSeconds;
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

    /// <summary>
    /// Set (for its transaction) on the connection that reads the event log, so the read streams the events in the order
    /// of the log's key instead of sorting them first. The planner prefers a sort of the whole log (its estimate of the
    /// rows a filter on the type keeps is often far off, and a sort is cheaper for a table read whole), but a sort
    /// answers nothing until it has read every event, spilling their JSON to disk past <c>work_mem</c>, while the fold
    /// and the writer wait; in the key's order the first event comes at once, and the events lie in the table in that
    /// order (the log is appended to), so the index leads through the table in order.
    /// </summary>
    public const string InKeyOrder = "set local enable_sort = off";

    /// <summary>Every event of the stored names, not archived (as Marten leaves archived events out), in sequence order.</summary>
    public static NpgsqlCommand EventsQuery(NpgsqlConnection connection, string schema, IEnumerable<string> storedNames)
    {
        var command = new NpgsqlCommand(
            $"select seq_id, stream_id, version, type, data from {schema}.mt_events where type = any(@types) and is_archived = false order by seq_id",
            connection);
        command.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = storedNames.ToArray() });
        return command;
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
        // Route the block first: the rows it touches (or reads) that were written early come back in one fetch.
        var routes = _routes;
        var missing = _missing;
        foreach (var ids in missing)
        {
            ids.Clear();
        }

        void MayBeMissing(int fold, Guid id)
        {
            if (!_rows[fold].ContainsKey(id) && _parked[fold].MayHold(id))
            {
                missing[fold].Add(id);
            }
        }

        for (var e = 0; e < block.Count; e++)
        {
            for (var f = 0; f < _folds.Count; f++)
            {
                var rows = routes[(e * _folds.Count) + f];
                rows.Clear();
                _folds[f].RowsOf(block[e].Stream, block[e].Data, rows);
                foreach (var id in rows)
                {
                    MayBeMissing(f, id);
                }

                if (_folds[f] is IDomainFoldReading reading && reading.ReadsRowOf(block[e].Data) is { } read)
                {
                    MayBeMissing(_reads[f], read);
                }
            }
        }

        if (missing.Any(m => m.Count > 0))
        {
            // The sets are cleared only in the next block, after the writer has answered.
            var fetch = new Fetch(missing, new TaskCompletionSource<IReadOnlyList<StagedDocument>[]>(TaskCreationOptions.RunContinuationsAsynchronously));
            await _queue.Writer.WriteAsync(fetch, cancellation).ConfigureAwait(false);
            var taken = await fetch.Answer.Task.WaitAsync(cancellation).ConfigureAwait(false);
            for (var f = 0; f < _folds.Count; f++)
            {
                foreach (var parked in taken[f])
                {
                    _rows[f][parked.Id] = new Row(parked.Document, parked.Revision);
                    _fetchedBack++;
                }
            }
        }

        for (var e = 0; e < block.Count; e++)
        {
            var recorded = block[e];
            foreach (var f in _foldOrder)
            {
                var fold = _folds[f];
                var rows = _rows[f];
                foreach (var id in routes[(e * _folds.Count) + f])
                {
                    var row = rows.GetValueOrDefault(id);
                    var next = fold is IDomainFoldReading reading
                        ? reading.Fold(row?.Document, recorded.Data, reading.ReadsRowOf(recorded.Data) is { } read ? _rows[_reads[f]].GetValueOrDefault(read)?.Document : null)
                        : fold.Fold(row?.Document, recorded.Data);
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

    /// <summary>
    /// Past the holding limit, queues rows for writing until three quarters of the limit are left (batches small enough
    /// that a fetch, which waits for the writer to finish what is queued before it, waits little): from the projection
    /// holding the most rows, those that took the fewest events, then the longest untouched. A projection of many rows
    /// (incidents) has short-lived ones; one of few (sites, fed again and again) is held, not written and fetched back.
    /// </summary>
    private async Task ParkAsync(CancellationToken cancellation)
    {
        var excess = _rows.Sum(r => r.Count) - (_holding * 3 / 4);
        if (excess <= _holding / 4)
        {
            return;
        }

        while (excess > 0)
        {
            var fold = Enumerable.Range(0, _rows.Length).MaxBy(f => _rows[f].Count);
            var rows = _rows[fold];
            // Sorted in an array kept from one parking to the next (a sort made anew each time filled the large-object heap).
            if (_parkable.Length < rows.Count)
            {
                _parkable = new Parkable[rows.Count * 2];
            }

            var count = 0;
            foreach (var (id, row) in rows)
            {
                _parkable[count++] = new Parkable(row.Folded, row.Touched, id);
            }

            _parkable.AsSpan(0, count).Sort();
            var parking = _spareBatches.TryDequeue(out var spare) ? spare : new List<StagedDocument>(excess);
            foreach (var candidate in _parkable.AsSpan(0, Math.Min(excess, count)))
            {
                rows.Remove(candidate.Id, out var row);
                parking.Add(new StagedDocument(candidate.Id, row!.Document, row.Revision));
                _parked[fold].Add(candidate.Id);
            }

            await QueueAsync(fold, parking, cancellation).ConfigureAwait(false);
            excess -= parking.Count;
        }
    }

    /// <summary>A row that may be written early: the fewest events folded first, then the longest untouched.</summary>
    private readonly record struct Parkable(int Folded, long Touched, Guid Id) : IComparable<Parkable>
    {
        public int CompareTo(Parkable other) => Folded != other.Folded ? Folded.CompareTo(other.Folded) : Touched.CompareTo(other.Touched);
    }

    /// <summary>What the folding asks of the writer, in order.</summary>
    private abstract record Work;

    /// <summary>Rows to write (their documents are not changed afterwards: a fold makes a new document).</summary>
    private sealed record Write(int Fold, List<StagedDocument> Documents) : Work;

    /// <summary>Rows to take back, by projection, and where to answer them.</summary>
    private sealed record Fetch(HashSet<Guid>[] Ids, TaskCompletionSource<IReadOnlyList<StagedDocument>[]> Answer) : Work;

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
    /// Which ids may have been written early: a Bloom filter of fixed size (4 MiB, made when a projection first writes
    /// rows early), so a block's new rows (most of them, in a history of incidents) are not looked for in the fresh
    /// tables, and memory stays flat however many rows are written. A false "may" costs a fetch that finds nothing,
    /// and a fetch waits for the writer: with 7 probes it happens about once in 120,000 lookups at a million ids
    /// written early, but at ten million the filter is mostly full and most blocks fetch (correct, slower).
    /// </summary>
    private sealed class ParkedIds
    {
        private const int Bits = 1 << 25;
        private const int Probes = 7;
        private ulong[]? _words;

        public void Add(Guid id)
        {
            _words ??= new ulong[Bits / 64];
            var (first, step) = Hashes(id);
            for (var i = 0; i < Probes; i++)
            {
                var bit = unchecked(first + ((ulong)i * step)) & (Bits - 1);
                _words[bit >> 6] |= 1UL << (int)(bit & 63);
            }
        }

        public bool MayHold(Guid id)
        {
            if (_words is null)
            {
                return false;
            }

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
