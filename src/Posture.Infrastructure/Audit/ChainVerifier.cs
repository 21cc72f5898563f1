using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace Posture.Infrastructure.Audit;

/// <summary>One thing found wrong with the stored history.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Version">The event's version in its stream (for a stream cut short: the version the stream records).</param>
/// <param name="Sequence">The event's place in the whole store; null when the finding is about a missing event.</param>
/// <param name="What">What is wrong, in words.</param>
public sealed record ChainProblem(Guid StreamId, long Version, long? Sequence, string What);

/// <summary>The last chained event of a stream: what to record outside the database.</summary>
public sealed record ChainHead(Guid StreamId, long Version, long Sequence, string Hash);

/// <summary>
/// A digest of every stream's chain head as it stood at one sequence number: recorded outside the database, it lets a
/// later verification prove that nobody rewrote the whole chain since (which anyone with write access could do).
/// </summary>
public sealed record ChainAnchor(long Sequence, string Digest)
{
    public override string ToString() => $"{Sequence.ToString(CultureInfo.InvariantCulture)}:{Digest}";

    /// <summary>Reads <c>SEQUENCE:DIGEST</c>, as <see cref="ToString"/> prints it.</summary>
    public static bool TryParse(string? text, out ChainAnchor anchor)
    {
        anchor = new ChainAnchor(0, "");
        var parts = text?.Trim().Split(':');
        if (parts is not [var sequence, var digest]
            || !long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || digest.Length != 64 || !digest.All(Uri.IsHexDigit))
        {
            return false;
        }

        anchor = new ChainAnchor(number, digest.ToLowerInvariant());
        return true;
    }
}

/// <summary>What walking every stream found.</summary>
/// <param name="Events">Events read.</param>
/// <param name="Streams">Streams read.</param>
/// <param name="Chained">Events whose hash was checked and matched.</param>
/// <param name="Unchained">Events written before hashing began (no hash, and not expected to have one).</param>
/// <param name="ProblemCount">Every problem found (<paramref name="Problems"/> lists at most the first thousand).</param>
/// <param name="Problems">The problems, in stream order.</param>
/// <param name="Anchor">The digest of the chain heads at the highest sequence when the walk began (or at the sequence asked for).</param>
/// <param name="Heads">Every stream's chain head, when asked for.</param>
public sealed record ChainVerification(
    long Events, long Streams, long Chained, long Unchained, long ProblemCount, IReadOnlyList<ChainProblem> Problems, ChainAnchor Anchor,
    IReadOnlyList<ChainHead> Heads)
{
    public bool Intact => ProblemCount == 0;
}

/// <summary>
/// Walks every stream of the event store in version order, a page at a time (memory stays flat however long the
/// history), and recomputes each event's hash with <see cref="EventChain.Hash"/> from the stored hash of the event
/// before it. It reports an event whose hash does not match (its content, or the hash itself, was changed), a
/// missing version (an event deleted), a stream whose recorded version runs past its last event (events deleted
/// from the end), and an event without a hash although hashing had begun (a hash removed). Events written before
/// hashing began are counted as unchained, not as tampered. It writes nothing.
/// </summary>
public static class ChainVerifier
{
    private const int PageSize = 1000;
    private const int ProblemsListed = 1000;

    /// <param name="store">The event store.</param>
    /// <param name="anchorSequence">The sequence to compute the anchor at; by default the highest when the walk begins.</param>
    /// <param name="keepHeads">Return every stream's chain head too.</param>
    /// <param name="progress">Told the events read so far and the total, after each page.</param>
    /// <param name="cancellation">Stops the walk.</param>
    public static async Task<ChainVerification> VerifyAsync(
        IDocumentStore store, long? anchorSequence, bool keepHeads, Action<long, long>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation).ConfigureAwait(false);

        var (total, highest, chainedFrom) = await ScalarsAsync(connection, schema, cancellation).ConfigureAwait(false);
        var walk = new Walk(anchorSequence ?? highest, chainedFrom, keepHeads);
        progress?.Invoke(0, total);
        await using var page = new NpgsqlCommand($"""
            select e.stream_id, e.version, e.seq_id, e.type, (extract(epoch from e.timestamp) * 1000000)::bigint,
                   e.user_name, e.correlation_id, e.causation_id, e.data::text, e.headers ->> '{EventChain.HashHeader}', s.version
            from {schema}.mt_events e left join {schema}.mt_streams s on s.id = e.stream_id
            where (e.stream_id, e.version) > (@stream, @version)
            order by e.stream_id, e.version
            limit {PageSize}
            """, connection);
        var stream = page.Parameters.AddWithValue("stream", Guid.Empty);
        var version = page.Parameters.AddWithValue("version", long.MinValue);
        while (true)
        {
            var read = 0;
            await using (var reader = await page.ExecuteReaderAsync(cancellation).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
                {
                    var stored = Read(reader);
                    walk.Check(stored, await reader.IsDBNullAsync(10, cancellation).ConfigureAwait(false) ? null : reader.GetInt64(10));
                    stream.Value = stored.StreamId;
                    version.Value = stored.Version;
                    read++;
                }
            }

            progress?.Invoke(walk.Events, Math.Max(total, walk.Events));
            if (read < PageSize)
            {
                break;
            }
        }

        walk.EndStream();
        await walk.StreamsWithoutEventsAsync(connection, schema, cancellation).ConfigureAwait(false);
        return walk.Result();
    }

    private static StoredEvent Read(DbDataReader reader) => new(
        reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9));

    /// <summary>How many events there are, the highest sequence, and the lowest sequence that carries a hash (hashing began there).</summary>
    private static async Task<(long Total, long Highest, long? ChainedFrom)> ScalarsAsync(NpgsqlConnection connection, string schema, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"""
            select count(*), coalesce(max(seq_id), 0), min(seq_id) filter (where headers ->> '{EventChain.HashHeader}' is not null)
            from {schema}.mt_events
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        await reader.ReadAsync(cancellation).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
    }

    /// <summary>The state of one walk: the stream being read, what was found, and the anchor digest being built.</summary>
    private sealed class Walk(long anchorSequence, long? chainedFrom, bool keepHeads)
    {
        private readonly List<ChainProblem> problems = [];
        private readonly List<ChainHead> heads = [];
        private readonly IncrementalHash digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private StoredEvent? previous;
        private long? recordedVersion;
        private ChainHead? head;
        private ChainHead? headAtAnchor;
        private bool streamChained;

        public long Events { get; private set; }

        private long streams;
        private long chained;
        private long unchained;
        private long problemCount;

        public void Check(StoredEvent stored, long? streamVersion)
        {
            if (previous is not null && previous.StreamId != stored.StreamId)
            {
                EndStream();
            }

            if (previous is null)
            {
                streams++;
            }

            Events++;
            recordedVersion = streamVersion;
            // Marten's tombstone stream fills sequence gaps left by failed appends: its versions are sequences, not 1, 2, 3.
            var expectedVersion = (previous?.Version ?? 0) + 1;
            if (stored.Version != expectedVersion && stored.StreamId != Tombstone.StreamId)
            {
                Problem(stored.StreamId, stored.Version, stored.Sequence, stored.Version > expectedVersion
                    ? $"{Versions(expectedVersion, stored.Version - 1)} missing before this event (deleted?)"
                    : $"version {stored.Version} out of order");
            }

            if (stored.Hash is null)
            {
                if (streamChained || stored.Sequence > chainedFrom)
                {
                    Problem(stored.StreamId, stored.Version, stored.Sequence, "no hash, though it was written after hashing began (hash removed?)");
                }
                else
                {
                    unchained++;
                }
            }
            else
            {
                streamChained = true;
                var before = previous?.Version == stored.Version - 1 ? previous.Hash : null;
                if (EventChain.Hash(before, stored) == stored.Hash)
                {
                    chained++;
                }
                else
                {
                    Problem(stored.StreamId, stored.Version, stored.Sequence,
                        "hash does not match the stored event and the hash before it (event, its hash, or the one before it altered)");
                }

                head = new ChainHead(stored.StreamId, stored.Version, stored.Sequence, stored.Hash);
                if (stored.Sequence <= anchorSequence)
                {
                    headAtAnchor = head;
                }
            }

            previous = stored;
        }

        public void EndStream()
        {
            if (previous is null)
            {
                return;
            }

            if (recordedVersion is { } recorded && recorded != previous.Version && previous.StreamId != Tombstone.StreamId)
            {
                Problem(previous.StreamId, recorded, null, recorded > previous.Version
                    ? $"the stream records version {recorded} but its last event is version {previous.Version}: {Versions(previous.Version + 1, recorded)} missing (deleted?)"
                    : $"the stream records version {recorded} but has events up to version {previous.Version}");
            }

            if (headAtAnchor is { } anchored)
            {
                digest.AppendData(Encoding.UTF8.GetBytes($"{anchored.StreamId:D} {anchored.Version.ToString(CultureInfo.InvariantCulture)} {anchored.Hash}\n"));
            }

            if (keepHeads && head is not null)
            {
                heads.Add(head);
            }

            previous = null;
            head = null;
            headAtAnchor = null;
            streamChained = false;
        }

        /// <summary>A stream whose events were all deleted: mt_streams still names it.</summary>
        public async Task StreamsWithoutEventsAsync(NpgsqlConnection connection, string schema, CancellationToken cancellation)
        {
            await using var command = new NpgsqlCommand($"""
                select s.id, s.version from {schema}.mt_streams s
                where s.version > 0 and not exists (select 1 from {schema}.mt_events e where e.stream_id = s.id)
                order by s.id
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                var version = reader.GetInt64(1);
                Problem(reader.GetGuid(0), version, null, $"the stream records version {version} but has no events: {Versions(1, version)} missing (deleted?)");
            }
        }

        public ChainVerification Result() => new(
            Events, streams, chained, unchained, problemCount, problems, new ChainAnchor(anchorSequence, Convert.ToHexStringLower(digest.GetHashAndReset())), heads);

        private void Problem(Guid streamId, long version, long? sequence, string what)
        {
            problemCount++;
            if (problems.Count < ProblemsListed)
            {
                problems.Add(new ChainProblem(streamId, version, sequence, what));
            }
        }

        private static string Versions(long from, long to) => from == to
            ? $"version {from.ToString(CultureInfo.InvariantCulture)}"
            : $"versions {from.ToString(CultureInfo.InvariantCulture)}–{to.ToString(CultureInfo.InvariantCulture)}";
    }
}
