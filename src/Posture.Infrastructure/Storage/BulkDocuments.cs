using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Posture.Infrastructure.Storage;

/// <summary>A stored document with its revision (Marten's <c>mt_version</c>).</summary>
public sealed record StoredDocument<T>(T Document, long Revision) where T : class;

/// <summary>
/// Reads and writes many documents of one type in one statement each, on a connection whose transaction the caller
/// owns: for bulk paths (the import, a rebuild) where Marten's unit of work would write them one upsert call at a time.
/// The rows are what Marten itself writes for a document in its default layout (id, data, mt_last_modified,
/// mt_dotnet_type, mt_version) and the JSON is Marten's own serializer's, so Marten reads them back as its own;
/// a type stored per tenant is refused (and one with more metadata columns, soft deletes say, is not for this class).
/// </summary>
public sealed class BulkDocuments(IDocumentStore store)
{
    private readonly ISerializer _serializer = store.Options.Serializer();

    /// <summary>
    /// The stored documents among <paramref name="ids"/>, with their revisions; ids with no document are absent. One
    /// query by the primary key; <paramref name="locked"/> locks the rows found until the transaction ends.
    /// </summary>
    public async Task<Dictionary<Guid, StoredDocument<T>>> LoadAsync<T>(
        NpgsqlConnection connection, IReadOnlyCollection<Guid> ids, CancellationToken cancellation, bool locked = false)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(ids);
        var found = new Dictionary<Guid, StoredDocument<T>>();
        if (ids.Count == 0)
        {
            return found;
        }

        var (table, numbered) = MappingOf<T>();
        // A document without numeric revisions keeps a version id (a uuid) in mt_version: its revision reads as 0.
        // Locked rows are locked in the order of their ids, as a command's are (Marten.LockedRows).
        await using var select = new NpgsqlCommand(
            $"select id, data, {(numbered ? "mt_version" : "0::bigint")} from {table} where id = any($1){(locked ? " order by id for update" : "")}", connection);
        select.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        await using var reader = await select.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            found[reader.GetGuid(0)] = new StoredDocument<T>(_serializer.FromJson<T>(reader.GetStream(1)), reader.GetInt64(2));
        }

        return found;
    }

    /// <summary>
    /// Inserts or replaces every document in one statement (<c>insert … select from unnest(…) on conflict (id) do
    /// update</c>), each with the revision given and the transaction's timestamp as its last modification, as Marten's
    /// upsert does. No id may appear twice.
    /// </summary>
    public Task UpsertAsync<T>(
        NpgsqlConnection connection, IReadOnlyCollection<(Guid Id, T Document, long Revision)> documents, CancellationToken cancellation)
        where T : class => WriteAsync(connection, documents, replace: true, cancellation);

    /// <summary>
    /// Inserts every document in one statement, for documents the caller's snapshot showed absent: without
    /// <c>on conflict</c>, whose speculative insertion cost about a third of the statement (docs/adr/0029). A row another
    /// writer inserted under one of the ids meanwhile makes it fail with a unique violation, which the caller treats as
    /// a lost race. No id may appear twice.
    /// </summary>
    public Task InsertAsync<T>(
        NpgsqlConnection connection, IReadOnlyCollection<(Guid Id, T Document, long Revision)> documents, CancellationToken cancellation)
        where T : class => WriteAsync(connection, documents, replace: false, cancellation);

    private async Task WriteAsync<T>(
        NpgsqlConnection connection, IReadOnlyCollection<(Guid Id, T Document, long Revision)> documents, bool replace, CancellationToken cancellation)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            return;
        }

        var (table, numbered) = MappingOf<T>();
        var duplicated = DuplicatedColumns.Of(store, typeof(T));
        var columns = string.Concat(duplicated.Select(d => $", {d.Column}"));
        var values = string.Concat(duplicated.Select(d => $", {d.Value}"));
        var updates = string.Concat(duplicated.Select(d => $", {d.Column} = excluded.{d.Column}"));
        // Without numeric revisions Marten gives every write a new version id; so does this (the revision is ignored).
        await using var upsert = new NpgsqlCommand($"""
            insert into {table} (id, data, mt_last_modified, mt_dotnet_type, mt_version{columns})
            select d.id, d.data, transaction_timestamp(), $3, {RevisionColumn.Value(numbered, "d.revision")}{values}
              from unnest($1, $2, $4) as d(id, data, revision)
            {(replace ? $"""
                on conflict (id) do update set data = excluded.data, mt_last_modified = excluded.mt_last_modified,
                  mt_dotnet_type = excluded.mt_dotnet_type, mt_version = excluded.mt_version{updates}
                """ : "")}
            """, connection);
        upsert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. documents.Select(d => d.Id)] });
        // Each document's JSON as UTF-8, serialized one after another into one pooled buffer and sent as slices of it:
        // a string of each was the largest allocation after the events' (docs/adr/0033).
        using var json = new PooledBytes(documents.Count * 512);
        var pieces = new (int Start, int Length)[documents.Count];
        var next = 0;
        foreach (var (_, document, _) in documents)
        {
            var start = json.Length;
            _serializer.WriteTo(json, document);
            pieces[next++] = (start, json.Length - start);
        }

        upsert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>[]>
        {
            TypedValue = [.. pieces.Select(p => json.Memory(p.Start, p.Length))], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = typeof(T).FullName });
        upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. documents.Select(d => d.Revision)] });
        await upsert.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>The document's table, and whether its mt_version holds a numeric revision (else a version id).</summary>
    private (string Table, bool Numbered) MappingOf<T>()
    {
        var mapping = store.Options.FindOrResolveDocumentType(typeof(T));
        if (mapping.TenancyStyle != JasperFx.MultiTenancy.TenancyStyle.Single)
        {
            throw new NotSupportedException($"{typeof(T).Name} is stored per tenant, which bulk writes do not do");
        }

        return (mapping.TableName.QualifiedName, RevisionColumn.HoldsRevision(store, typeof(T)));
    }
}
