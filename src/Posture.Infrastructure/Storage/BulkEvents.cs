using System.Buffers;
using System.Globalization;
using System.Text;
using JasperFx;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Posture.Infrastructure.Audit;

namespace Posture.Infrastructure.Storage;

/// <summary>New events for one existing stream, to follow the version its state was read at.</summary>
public sealed record StreamAppend(Guid StreamId, long ExpectedVersion, IReadOnlyList<object> Events);

/// <summary>What Marten records with every event of a command: who, and the command's correlation and causation ids.</summary>
public sealed record EventMetadata(string? UserName, string? CorrelationId, string? CausationId);

/// <summary>
/// Appends many events to existing streams in three round trips (one to read, a binary COPY of the rows, the streams'
/// versions), on a connection whose transaction the caller owns, for bulk paths where Marten's append (one row per
/// event through <c>mt_quick_append_events</c>) and the chain trigger (one predecessor lookup per row) bound the rate.
/// The rows are the ones Marten writes (stored type name, .NET type, the transaction's timestamp, user, correlation
/// and causation ids, tenant), the streams' versions move on as Marten moves them, and every row carries the chain's
/// <c>hash</c> header computed by <see cref="EventChain.Hash"/> over the payload as PostgreSQL renders it
/// (<c>data::text</c>: rendered here by <see cref="JsonbText"/>, or read back from the server where that is not sure),
/// so the trigger keeps it (<see cref="EventChain.PrecomputedSetting"/>) and <c>posture audit verify</c> checks it as
/// any other (docs/adr/0029).
/// <para>
/// Concurrency is Marten's own optimistic check: each stream's events take the versions after the one its state was
/// read at, and the unique (stream, version) index lets only one writer commit them; a writer that got there first
/// makes the append fail with a <see cref="ConcurrencyException"/> (retried by the bus), and the stream's version only
/// moves from the version expected. Nothing is committed here: the caller's transaction holds it all or nothing.
/// </para>
/// </summary>
public sealed class BulkEvents(IDocumentStore store)
{
    private readonly ISerializer _serializer = store.Options.Serializer();
    private readonly string _schema = store.Options.Events.DatabaseSchemaName;
    private readonly Dictionary<Type, (string Name, string DotNetType)> _types = store.Options.Events.AllKnownEventTypes()
        .ToDictionary(t => t.EventType, t => (t.EventTypeName, t.DotNetTypeName));

    /// <summary>
    /// Appends each stream's events after its expected version, in the caller's transaction; streams that must exist
    /// already. Throws <see cref="ConcurrencyException"/> when any stream is no longer at the version expected.
    /// </summary>
    public async Task AppendAsync(
        NpgsqlConnection connection, string tenantId, IReadOnlyList<StreamAppend> appends, EventMetadata metadata, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(appends);
        ArgumentNullException.ThrowIfNull(metadata);
        // In stream order, so two bulk writers meet their common streams in the same order.
        var streams = appends.Where(a => a.Events.Count > 0).OrderBy(a => a.StreamId).ToList();
        if (streams.Count == 0)
        {
            return;
        }

        var rows = streams.SelectMany(s => s.Events.Select((e, i) => (Stream: s, Version: s.ExpectedVersion + i + 1, Event: e))).ToList();
        // Each payload as PostgreSQL will render it once stored (what the chain hashes), computed here; the server
        // renders only those this is not certain of (docs/adr/0029). Serialized as UTF-8 into one reused buffer,
        // rendered from it into one pooled buffer, hashed and sent from there: no payload is ever a string, nor an
        // array of its own (docs/adr/0033).
        using var text = new PooledBytes(rows.Count * 768);
        var rendered = new (int Start, int Length)[rows.Count];
        var unsure = new Dictionary<int, string>();
        var json = new ArrayBufferWriter<byte>(1024);
        for (var i = 0; i < rows.Count; i++)
        {
            json.ResetWrittenCount();
            _serializer.WriteTo(json, rows[i].Event);
            var start = text.Length;
            if (JsonbText.TryRenderUtf8(json.WrittenSpan, text))
            {
                rendered[i] = (start, text.Length - start);
            }
            else
            {
                unsure[i] = Encoding.UTF8.GetString(json.WrittenSpan);
            }
        }

        var (recordedAt, previous, sequence, serverRendered) = await PrepareAsync(connection, streams, rows.Count, unsure, cancellation).ConfigureAwait(false);
        foreach (var (i, server) in serverRendered)
        {
            var start = text.Length;
            text.Write(Encoding.UTF8.GetBytes(server));
            rendered[i] = (start, text.Length - start);
        }

        var hashes = new string[rows.Count];
        var headers = new (int Start, int Length)[rows.Count];
        var recordedAtMicroseconds = (recordedAt - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        for (var i = 0; i < rows.Count; i++)
        {
            var (stream, version, data) = rows[i];
            var before = version == stream.ExpectedVersion + 1 ? previous.GetValueOrDefault(stream.StreamId) : hashes[i - 1];
            hashes[i] = EventChain.Hash(before, new StoredEvent(
                stream.StreamId, version, 0, TypeOf(data).Name, recordedAtMicroseconds, metadata.UserName, metadata.CorrelationId, metadata.CausationId,
                "", null), text.Span(rendered[i].Start, rendered[i].Length));
            var start = text.Length;
            text.Write(HashHeaderStart);
            Encoding.ASCII.GetBytes(hashes[i], text.GetSpan(hashes[i].Length));
            text.Advance(hashes[i].Length);
            text.Write("\"}"u8);
            headers[i] = (start, text.Length - start);
        }

        // The rows by binary COPY (docs/adr/0029): no statement to plan, no arrays to bind and unnest, each value sent
        // once in its binary form; the sequence numbers were drawn in the round trip above, in the rows' order.
        var copy = $"""
            copy {_schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type,
              correlation_id, causation_id, headers, user_name, is_archived) from stdin (format binary)
            """;
        // Only from the version expected: a stream that moved on is not touched, and is counted below.
        await using var versions = new NpgsqlCommand($"""
            update {_schema}.mt_streams s set version = v.version, timestamp = transaction_timestamp()
            from unnest($1, $2, $3) as v(id, expected, version)
            where s.id = v.id and s.version = v.expected
            """, connection);
        versions.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. streams.Select(s => s.StreamId)] });
        versions.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. streams.Select(s => s.ExpectedVersion)] });
        versions.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. streams.Select(s => s.ExpectedVersion + s.Events.Count)] });
        int updated;
        try
        {
            await using (var writer = await connection.BeginBinaryImportAsync(copy, cancellation).ConfigureAwait(false))
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    var (stream, version, data) = rows[i];
                    var type = TypeOf(data);
                    await writer.StartRowAsync(cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(sequence[i], NpgsqlDbType.Bigint, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(stream.StreamId, NpgsqlDbType.Uuid, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(version, NpgsqlDbType.Bigint, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(text.Memory(rendered[i].Start, rendered[i].Length), NpgsqlDbType.Jsonb, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(type.Name, NpgsqlDbType.Varchar, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(recordedAt, NpgsqlDbType.TimestampTz, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(tenantId, NpgsqlDbType.Varchar, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(type.DotNetType, NpgsqlDbType.Varchar, cancellation).ConfigureAwait(false);
                    await WriteTextAsync(writer, metadata.CorrelationId, cancellation).ConfigureAwait(false);
                    await WriteTextAsync(writer, metadata.CausationId, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(text.Memory(headers[i].Start, headers[i].Length), NpgsqlDbType.Jsonb, cancellation).ConfigureAwait(false);
                    await WriteTextAsync(writer, metadata.UserName, cancellation).ConfigureAwait(false);
                    await writer.WriteAsync(false, NpgsqlDbType.Boolean, cancellation).ConfigureAwait(false);
                }

                await writer.CompleteAsync(cancellation).ConfigureAwait(false);
            }

            updated = await versions.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure)
        {
            throw new ConcurrencyException("another writer appended to one of the streams first; read them again and retry", e);
        }

        if (updated != streams.Count)
        {
            throw new ConcurrencyException(string.Create(CultureInfo.InvariantCulture,
                $"{streams.Count - updated} of {streams.Count} streams were not at the version expected (or do not exist); read them again and retry"), null);
        }
    }

    /// <summary>
    /// One round trip: says the rows' hashes are precomputed (for this transaction only), and reads the transaction's
    /// timestamp (what Marten records as each event's recorded-at), a sequence number for each row, the hash of each
    /// stream's last event, and, by row, the <paramref name="unsure"/> payloads as PostgreSQL renders them once stored as
    /// jsonb (what the chain hashes).
    /// </summary>
    private async Task<(DateTime RecordedAt, Dictionary<Guid, string?> Previous, long[] Sequence, Dictionary<int, string> Rendered)> PrepareAsync(
        NpgsqlConnection connection, List<StreamAppend> streams, int rows, Dictionary<int, string> unsure, CancellationToken cancellation)
    {
        await using var batch = new NpgsqlBatch(connection);
        var setting = new NpgsqlBatchCommand("select set_config($1, 'on', true)");
        setting.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EventChain.PrecomputedSetting });
        batch.BatchCommands.Add(setting);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select transaction_timestamp()"));
        var sequence = new NpgsqlBatchCommand($"select nextval('{_schema}.mt_events_sequence') from generate_series(1, $1)");
        sequence.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rows });
        batch.BatchCommands.Add(sequence);
        var previous = new NpgsqlBatchCommand($"""
            select e.stream_id, e.headers ->> '{EventChain.HashHeader}' from {_schema}.mt_events e
            join unnest($1, $2) as p(stream_id, version) on e.stream_id = p.stream_id and e.version = p.version
            """);
        previous.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. streams.Select(s => s.StreamId)] });
        previous.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. streams.Select(s => s.ExpectedVersion)] });
        batch.BatchCommands.Add(previous);
        var unsureRows = unsure.Keys.Order().ToArray();
        if (unsureRows.Length > 0)
        {
            var render = new NpgsqlBatchCommand("select d::text from unnest($1) with ordinality as p(d, n) order by p.n");
            render.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. unsureRows.Select(i => unsure[i])], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            batch.BatchCommands.Add(render);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        await reader.NextResultAsync(cancellation).ConfigureAwait(false);
        await reader.ReadAsync(cancellation).ConfigureAwait(false);
        var recordedAt = reader.GetFieldValue<DateTime>(0);
        await reader.NextResultAsync(cancellation).ConfigureAwait(false);
        var numbers = new List<long>(rows);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            numbers.Add(reader.GetInt64(0));
        }

        // Drawn in the rows' order; sorted all the same, so the rows' sequence follows their order whatever the plan did.
        numbers.Sort();
        await reader.NextResultAsync(cancellation).ConfigureAwait(false);
        var hashes = new Dictionary<Guid, string?>();
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            hashes[reader.GetGuid(0)] = await reader.IsDBNullAsync(1, cancellation).ConfigureAwait(false) ? null : reader.GetString(1);
        }

        var rendered = new Dictionary<int, string>();
        if (unsureRows.Length > 0)
        {
            await reader.NextResultAsync(cancellation).ConfigureAwait(false);
            foreach (var i in unsureRows)
            {
                await reader.ReadAsync(cancellation).ConfigureAwait(false);
                rendered[i] = reader.GetString(0);
            }
        }

        return (recordedAt, hashes, [.. numbers], rendered);
    }

    /// <summary>The headers' JSON up to the hash, <c>{"hash": "</c>, as the row's headers were always written.</summary>
    private static readonly byte[] HashHeaderStart = Encoding.UTF8.GetBytes("{\"" + EventChain.HashHeader + "\": \"");

    private (string Name, string DotNetType) TypeOf(object data) =>
        _types.TryGetValue(data.GetType(), out var type) ? type : throw new InvalidOperationException($"{data.GetType().Name} is not a registered event type");

    private static Task WriteTextAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellation) =>
        value is null ? writer.WriteNullAsync(cancellation) : writer.WriteAsync(value, NpgsqlDbType.Varchar, cancellation);
}
