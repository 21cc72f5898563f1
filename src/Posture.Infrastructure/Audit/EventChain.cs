using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Triggers;

namespace Posture.Infrastructure.Audit;

/// <summary>
/// The hash chain over each stream's events (docs/adr/0014-tamper-evident-history.md). Every row inserted into
/// Marten's <c>mt_events</c> gets a <c>hash</c> header, computed in PostgreSQL by a <c>BEFORE INSERT</c> trigger from
/// the hash of the row before it in the same stream (version − 1) and the row's own content as stored: stream id,
/// version, stored type name, recorded-at, user, correlation and causation ids, and the payload as
/// <c>data::text</c> (the jsonb as PostgreSQL renders it, so what is hashed is what is stored, before any upcaster).
/// <see cref="Hash"/> is the same definition written again in C#; the verifier uses it, so a replaced trigger
/// function cannot vouch for itself.
/// </summary>
public static class EventChain
{
    /// <summary>The event header that carries the hash (lower-case hex SHA-256).</summary>
    public const string HashHeader = "hash";

    /// <summary>
    /// A transaction-local setting (<c>SET LOCAL</c>) by which a bulk writer (<see cref="Storage.BulkEvents"/>) says it
    /// computed each row's hash itself with <see cref="Hash"/>, over PostgreSQL's own rendering of the payload; the
    /// trigger then keeps a row's <c>hash</c> header instead of computing it. Rows without the header are hashed as ever.
    /// </summary>
    public const string PrecomputedSetting = "posture.chain_precomputed";

    private const string FieldFunction = "posture_chain_field";
    private const string ChainFunction = "posture_chain_event";
    private const string TriggerName = "posture_chain_events";

    /// <summary>
    /// The hash of one event: SHA-256 over the UTF-8 of these lines, joined by a line feed: the previous event's hash
    /// (empty for the first event of a stream, or when the previous event carries none), the stream id, the
    /// version, the recorded-at instant in microseconds since 1970, and — each as <c>bytes:text</c>, or <c>-</c> when
    /// absent, so no field can borrow from the next — the stored type name, user name, correlation id, causation
    /// id and the payload.
    /// </summary>
    public static string Hash(string? previousHash, StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var data = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(stored.Data.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(stored.Data, data);
            return Hash(previousHash, stored, data.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>
    /// <see cref="Hash(string?, StoredEvent)"/> with the payload given as its UTF-8 (<paramref name="data"/>) instead of
    /// <see cref="StoredEvent.Data"/>, which is ignored: for a bulk writer that holds the payload's text as UTF-8.
    /// </summary>
    public static string Hash(string? previousHash, StoredEvent stored, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(stored);
        // The lines are encoded straight into one pooled buffer and hashed there: building the text as a string first
        // copied each payload four times over, a third of everything an import allocated (docs/adr/0033).
        var length = Encoding.UTF8.GetByteCount(previousHash ?? "") + 36 + 20 + 20 + 8
            + FieldLength(stored.Type) + FieldLength(stored.UserName) + FieldLength(stored.CorrelationId)
            + FieldLength(stored.CausationId) + data.Length + 11;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var text = new Utf8Text(buffer);
            text.Line(previousHash);
            text.Line(stored.StreamId);
            text.Line(stored.Version);
            text.FieldLine(stored.Type);
            text.Line(stored.RecordedAtMicroseconds);
            text.FieldLine(stored.UserName);
            text.FieldLine(stored.CorrelationId);
            text.FieldLine(stored.CausationId);
            text.Field(data);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, text.Length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The most bytes <see cref="Utf8Text.Field"/> writes for a value: its UTF-8, and up to 11 for its length and colon.</summary>
    private static int FieldLength(string? value) => value is null ? 1 : Encoding.UTF8.GetByteCount(value) + 11;

    /// <summary>The hashed text written as UTF-8 into a buffer large enough for it, a line at a time.</summary>
    private ref struct Utf8Text(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public void Line(string? value)
        {
            Length += Encoding.UTF8.GetBytes(value ?? "", _buffer[Length..]);
            NewLine();
        }

        public void Line(Guid value)
        {
            value.TryFormat(_buffer[Length..], out var written, "D");
            Length += written;
            NewLine();
        }

        public void Line(long value)
        {
            Number(value);
            NewLine();
        }

        /// <summary><c>bytes:text</c>, or <c>-</c> when absent, so no field can borrow from the next; then a line feed.</summary>
        public void FieldLine(string? value)
        {
            if (value is null)
            {
                _buffer[Length++] = (byte)'-';
            }
            else
            {
                Number(Encoding.UTF8.GetByteCount(value));
                _buffer[Length++] = (byte)':';
                Length += Encoding.UTF8.GetBytes(value, _buffer[Length..]);
            }

            NewLine();
        }

        /// <summary><c>bytes:text</c> for text already in UTF-8, the last line.</summary>
        public void Field(ReadOnlySpan<byte> utf8)
        {
            Number(utf8.Length);
            _buffer[Length++] = (byte)':';
            utf8.CopyTo(_buffer[Length..]);
            Length += utf8.Length;
        }

        private void Number(long value)
        {
            value.TryFormat(_buffer[Length..], out var written, provider: CultureInfo.InvariantCulture);
            Length += written;
        }

        private void NewLine() => _buffer[Length++] = (byte)'\n';
    }

    /// <summary>Installs the trigger with Marten's own schema management, after Marten's event tables.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Storage.Add(new EventChainSchema(options));
    }

    /// <summary>
    /// The function and trigger, as a schema feature: Marten creates it (and re-creates it if it went missing) when it
    /// applies its schema, and yields features added this way after its own tables, so <c>mt_events</c> exists by then.
    /// </summary>
    private sealed class EventChainSchema(StoreOptions options) : FeatureSchemaBase("posture_event_chain", options.Advanced.Migrator)
    {
        protected override IEnumerable<ISchemaObject> schemaObjects()
        {
            var schema = options.Events.DatabaseSchemaName;
            // STABLE, not IMMUTABLE, because convert_to is STABLE: PostgreSQL inlines a SQL function into the trigger's
            // expression only when its body is no more volatile than it says. Declared IMMUTABLE it was called instead,
            // five times an event, and each call planned its body again in every transaction: three quarters of the
            // trigger's cost (docs/adr/0014, Cost).
            yield return new Function(new PostgresqlObjectName(schema, FieldFunction, SchemaUtils.IdentifierUsage.General), $"""
                CREATE OR REPLACE FUNCTION {schema}.{FieldFunction}(value text)
                 RETURNS text
                 LANGUAGE sql
                 STABLE
                AS $function$
                  SELECT CASE WHEN value IS NULL THEN '-' ELSE octet_length(convert_to(value, 'UTF8'))::text || ':' || value END
                $function$;
                """);
            // The row at version - 1 is the predecessor: Marten's unique index on (stream_id, version) lets only one
            // appender commit each version, and the predecessor is committed (or this transaction's own) by the time a
            // row that follows it can be inserted, so two appenders in flight can never both commit on one predecessor.
            yield return new Function(new PostgresqlObjectName(schema, ChainFunction, SchemaUtils.IdentifierUsage.General), $"""
                CREATE OR REPLACE FUNCTION {schema}.{ChainFunction}()
                 RETURNS trigger
                 LANGUAGE plpgsql
                AS $function$
                DECLARE
                  previous text;
                BEGIN
                  IF NEW.headers ? '{HashHeader}' AND current_setting('{PrecomputedSetting}', true) = 'on' THEN
                    RETURN NEW;
                  END IF;
                  SELECT e.headers ->> '{HashHeader}' INTO previous FROM {schema}.mt_events e
                   WHERE e.stream_id = NEW.stream_id AND e.version = NEW.version - 1;
                  NEW.headers := CASE WHEN jsonb_typeof(NEW.headers) = 'object' THEN NEW.headers ELSE jsonb_build_object() END
                    || jsonb_build_object('{HashHeader}', encode(sha256(convert_to(
                         coalesce(previous, '') || E'\n'
                         || NEW.stream_id::text || E'\n'
                         || NEW.version::text || E'\n'
                         || {schema}.{FieldFunction}(NEW.type) || E'\n'
                         || ((extract(epoch FROM NEW.timestamp) * 1000000)::bigint)::text || E'\n'
                         || {schema}.{FieldFunction}(NEW.user_name) || E'\n'
                         || {schema}.{FieldFunction}(NEW.correlation_id) || E'\n'
                         || {schema}.{FieldFunction}(NEW.causation_id) || E'\n'
                         || {schema}.{FieldFunction}(NEW.data::text), 'UTF8')), 'hex'));
                  RETURN NEW;
                END
                $function$;
                """);
            yield return new Trigger(
                new PostgresqlObjectName(schema, TriggerName, SchemaUtils.IdentifierUsage.General), new PostgresqlObjectName(schema, "mt_events", SchemaUtils.IdentifierUsage.General), $"{schema}.{ChainFunction}()")
            {
                Timing = TriggerTiming.Before,
                Events = TriggerEvents.Insert,
                ForEachRow = true,
            };
        }
    }
}

/// <summary>One row of <c>mt_events</c> as the chain sees it: what is hashed, where it stands, and the hash it carries.</summary>
public sealed record StoredEvent(
    Guid StreamId,
    long Version,
    long Sequence,
    string Type,
    long RecordedAtMicroseconds,
    string? UserName,
    string? CorrelationId,
    string? CausationId,
    string Data,
    string? Hash);
