using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Posture.Infrastructure.Storage;

/// <summary>One document to write in bulk: its id, the document itself, and the revision Marten keeps for it.</summary>
public readonly record struct StagedDocument(Guid Id, object Document, long Revision);

/// <summary>
/// Writes many documents of one Marten document type at once: binary COPY into a temporary table on one connection,
/// then, in the caller's transaction, the table's rows replaced by the staged ones. Each document is written as Marten
/// writes it: the JSON of the store's own serializer, the revision in <c>mt_version</c>, the type's full name in
/// <c>mt_dotnet_type</c>, the transaction's time in <c>mt_last_modified</c>, and every other column at its default
/// (as Marten's projection daemon leaves them), so Marten loads the documents afterwards as its own.
/// <para>
/// Staged documents can be taken back (<see cref="TakeBackAsync"/>), so a caller folding more documents than it wants
/// to hold in memory can park finished ones here and fetch one again if a later event changes it.
/// </para>
/// </summary>
public sealed class DocumentStaging
{
    private readonly NpgsqlConnection _connection;
    private readonly ISerializer _serializer;
    private readonly Type _documentType;
    private readonly string _table;
    private readonly string _staging;
    private readonly TimeSpan _timeout;
    private readonly IReadOnlyList<(string Column, string Value)> _duplicated;

    private DocumentStaging(
        NpgsqlConnection connection, ISerializer serializer, Type documentType, string table, string staging, TimeSpan timeout,
        IReadOnlyList<(string Column, string Value)> duplicated)
    {
        _duplicated = duplicated;
        _connection = connection;
        _serializer = serializer;
        _documentType = documentType;
        _table = table;
        _staging = staging;
        _timeout = timeout;
    }

    /// <summary>How many documents are staged now.</summary>
    public long Staged { get; private set; }

    /// <summary>
    /// Makes sure the document type's table exists and creates an empty temporary staging table for it on
    /// <paramref name="connection"/> (named after <paramref name="number"/>, unique among the caller's stagings); it
    /// lives as long as the connection's session.
    /// </summary>
    public static async Task<DocumentStaging> StageAsync(
        IDocumentStore store, NpgsqlConnection connection, Type documentType, int number, TimeSpan timeout, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(connection);
        await store.Storage.Database.EnsureStorageExistsAsync(documentType, cancellation).ConfigureAwait(false);
        var table = store.Options.FindOrResolveDocumentType(documentType).TableName.QualifiedName;
        var documents = new DocumentStaging(connection, store.Options.Serializer(), documentType, table, $"posture_bulk_documents_{number}", timeout,
            DuplicatedColumns.Of(store, documentType));
        await documents.ExecuteAsync(
            $"drop table if exists {documents._staging}; create temporary table {documents._staging} (id uuid primary key, data jsonb not null, revision bigint not null)",
            transaction: null, cancellation).ConfigureAwait(false);
        return documents;
    }

    /// <summary>Stages documents by binary COPY; each id at most once.</summary>
    public async Task WriteAsync(IEnumerable<StagedDocument> documents, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(documents);
        await using var import = await _connection.BeginBinaryImportAsync(
            $"copy {_staging} (id, data, revision) from stdin (format binary)", cancellation).ConfigureAwait(false);
        import.Timeout = _timeout;
        foreach (var document in documents)
        {
            await import.StartRowAsync(cancellation).ConfigureAwait(false);
            await import.WriteAsync(document.Id, NpgsqlDbType.Uuid, cancellation).ConfigureAwait(false);
            await import.WriteAsync(_serializer.ToJson(document.Document), NpgsqlDbType.Jsonb, cancellation).ConfigureAwait(false);
            await import.WriteAsync(document.Revision, NpgsqlDbType.Bigint, cancellation).ConfigureAwait(false);
            Staged++;
        }

        await import.CompleteAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Removes these ids from the staging table and answers the documents that were staged under them.</summary>
    public async Task<IReadOnlyList<StagedDocument>> TakeBackAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var taken = new List<StagedDocument>();
        if (ids.Count == 0 || Staged == 0)
        {
            return taken;
        }

        await using var command = new NpgsqlCommand($"delete from {_staging} where id = any(@ids) returning id, revision, data", _connection);
        command.CommandTimeout = (int)_timeout.TotalSeconds;
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            taken.Add(new StagedDocument(reader.GetGuid(0), _serializer.FromJson(_documentType, reader, 2), reader.GetInt64(1)));
        }

        Staged -= taken.Count;
        return taken;
    }

    /// <summary>
    /// In <paramref name="transaction"/>: deletes every row of the document table and inserts the staged documents.
    /// Readers see the old rows until the transaction commits (a delete, not a truncate, so nobody waits on a lock).
    /// </summary>
    public async Task ReplaceTableAsync(NpgsqlTransaction transaction, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var columns = await ColumnsAsync(transaction, cancellation).ConfigureAwait(false);
        var targets = new List<string> { "id", "data" };
        var values = new List<string> { "id", "data" };
        if (columns.TryGetValue("mt_version", out var versionType))
        {
            targets.Add("mt_version");
            // Marten keeps a projected document's revision as a number; a uuid version is a fresh one per write.
            values.Add(versionType == "uuid" ? "gen_random_uuid()" : "revision");
        }

        if (columns.ContainsKey("mt_dotnet_type"))
        {
            targets.Add("mt_dotnet_type");
            values.Add("@dotnetType");
        }

        if (columns.ContainsKey("mt_last_modified"))
        {
            targets.Add("mt_last_modified");
            values.Add("transaction_timestamp()");
        }

        foreach (var (column, value) in _duplicated)
        {
            targets.Add(column);
            values.Add(value);
        }

        await using var command = new NpgsqlCommand(
            $"delete from {_table}; insert into {_table} ({string.Join(", ", targets)}) select {string.Join(", ", values)} from {_staging}",
            _connection, transaction);
        command.CommandTimeout = (int)_timeout.TotalSeconds;
        command.Parameters.AddWithValue("dotnetType", _documentType.FullName ?? _documentType.Name);
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, string>> ColumnsAsync(NpgsqlTransaction transaction, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            "select attname, format_type(atttypid, atttypmod) from pg_attribute where attrelid = @table::regclass and attnum > 0 and not attisdropped",
            _connection, transaction);
        command.Parameters.AddWithValue("table", _table);
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            columns[reader.GetString(0)] = reader.GetString(1);
        }

        return columns;
    }

    private async Task ExecuteAsync(string sql, NpgsqlTransaction? transaction, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, _connection, transaction);
        command.CommandTimeout = (int)_timeout.TotalSeconds;
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }
}
