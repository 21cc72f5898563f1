using System.Buffers;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Posture.Infrastructure.Storage;

/// <summary>One document to write in bulk: its id, the document itself, and the revision Marten keeps for it.</summary>
public readonly record struct StagedDocument(Guid Id, object Document, long Revision);

/// <summary>
/// Writes every document of one Marten document type into a fresh table that then takes the place of the type's
/// table: the fresh table is made like the document table (its columns, defaults and checks) with no index, filled by
/// binary COPY, given its primary key and the document table's other indexes once it is full (one sort each instead of
/// an update of each index per row, each index on a connection of its own, so they are built at once), analysed, and
/// swapped in (<see cref="SwapAsync"/>, in the caller's transaction: the old table dropped, the fresh one renamed, its
/// key and indexes given the old names). The fresh table is committed as it is made, so other connections can build
/// its indexes; readers go on reading the old table until the swap commits, and a rebuild that stops midway leaves
/// the old table as it was and the fresh one behind, which the caller drops (<see cref="DropLeftoversAsync"/>). Only
/// one caller may stage a type at a time: the caller keeps rebuilds apart.
/// <para>
/// Each row is what Marten writes: the JSON of the store's own serializer, the type's full name in
/// <c>mt_dotnet_type</c>, the revision in <c>mt_version</c> where it holds one (<see cref="RevisionColumn"/>; else the
/// column's default, a new version id), the transaction's time in <c>mt_last_modified</c> (its default), the
/// duplicated columns computed as Marten's upsert computes them (<see cref="DuplicatedColumns"/>), and every other
/// column at its default, as Marten's projection daemon leaves them; so Marten loads the documents as its own.
/// </para>
/// <para>
/// Written documents can be taken back (<see cref="TakeBackAsync"/>, by the primary key), so a caller folding more
/// documents than it wants to hold in memory can write finished ones early and fetch one again if a later event
/// changes it. The first take-back gives the fresh table its primary key (one sort of what is written so far), and the
/// rows written after it update the key row by row, as they did before; a caller that never takes back (a history
/// whose rows are finished when they are written early) has its key built once, at the end. Inserting a million
/// random ids into the key while copying took about as long as the copy itself (issue 8, measured).
/// </para>
/// </summary>
public sealed class DocumentStaging
{
    /// <summary>What the fresh tables are called: this, then a number unique among one caller's stagings.</summary>
    private const string FreshPrefix = "posture_rebuilding_";

    /// <summary>Memory for one index build's sort (the default, 64 MB, sorts a million incident keys on disk).</summary>
    private const string SortMemory = "set local maintenance_work_mem = '256MB'";

    private readonly NpgsqlConnection _connection;
    private readonly ISerializer _serializer;
    private readonly Type _documentType;
    private readonly string _schema;
    private readonly string _name;
    private readonly string _fresh;
    private readonly TimeSpan _timeout;
    private readonly bool _holdsRevision;
    private readonly IReadOnlyList<(string Column, string Value)> _duplicated;
    private readonly string _primaryKey;
    private readonly IReadOnlyList<(string Name, string Definition)> _indexes;
    private bool _keyed;

    private DocumentStaging(
        NpgsqlConnection connection, IDocumentStore store, Type documentType, string schema, string name, string fresh, TimeSpan timeout,
        string primaryKey, IReadOnlyList<(string Name, string Definition)> indexes)
    {
        _connection = connection;
        _serializer = store.Options.Serializer();
        _documentType = documentType;
        _schema = schema;
        _name = name;
        _fresh = fresh;
        _timeout = timeout;
        _holdsRevision = RevisionColumn.HoldsRevision(store, documentType);
        _duplicated = DuplicatedColumns.Of(store, documentType);
        _primaryKey = primaryKey;
        _indexes = indexes;
    }

    private long _staged;

    /// <summary>How many documents are written now.</summary>
    public long Staged => Interlocked.Read(ref _staged);

    private string Table => $"{_schema}.{_name}";

    private string Fresh => $"{_schema}.{_fresh}";

    /// <summary>
    /// Creates the fresh table beside the document type's table (which must exist: <c>EnsureStorageExistsAsync</c>
    /// first), named after <paramref name="number"/>, unique among the caller's stagings, and commits it; the documents
    /// are then written (<see cref="WriteAsync"/>) and taken back on <paramref name="connection"/>, outside any
    /// transaction.
    /// </summary>
    public static async Task<DocumentStaging> StageAsync(
        IDocumentStore store, NpgsqlConnection connection, Type documentType, int number, TimeSpan timeout, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(connection);
        var mapping = store.Options.FindOrResolveDocumentType(documentType);
        var (primaryKey, indexes) = await IndexesAsync(connection, mapping.TableName.QualifiedName, cancellation).ConfigureAwait(false);
        var documents = new DocumentStaging(
            connection, store, documentType, mapping.TableName.Schema, mapping.TableName.Name, $"{FreshPrefix}{number}", timeout, primaryKey, indexes);
        await documents.ExecuteAsync(
            connection, $"create table {documents.Fresh} (like {documents.Table} including defaults including constraints including generated including storage)",
            cancellation).ConfigureAwait(false);
        return documents;
    }

    /// <summary>Writes documents by binary COPY; each id at most once.</summary>
    public Task WriteAsync(IEnumerable<StagedDocument> documents, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return CopyAsync(_connection, documents, cancellation);
    }

    private async Task CopyAsync(NpgsqlConnection connection, IEnumerable<StagedDocument> documents, CancellationToken cancellation)
    {
        var dotnetType = _documentType.FullName ?? _documentType.Name;
        await using var import = await connection.BeginBinaryImportAsync(
            $"copy {Fresh} (id, data, mt_dotnet_type{(_holdsRevision ? ", mt_version" : "")}) from stdin (format binary)", cancellation).ConfigureAwait(false);
        import.Timeout = _timeout;
        // The serializer writes UTF-8 into one buffer, reused row after row (no string per document).
        var json = new ArrayBufferWriter<byte>(4096);
        long written = 0;
        foreach (var document in documents)
        {
            json.ResetWrittenCount();
            _serializer.WriteTo(json, document.Document);
            await import.StartRowAsync(cancellation).ConfigureAwait(false);
            await import.WriteAsync(document.Id, NpgsqlDbType.Uuid, cancellation).ConfigureAwait(false);
            await import.WriteAsync(json.WrittenMemory, NpgsqlDbType.Jsonb, cancellation).ConfigureAwait(false);
            await import.WriteAsync(dotnetType, NpgsqlDbType.Varchar, cancellation).ConfigureAwait(false);
            if (_holdsRevision)
            {
                await import.WriteAsync(document.Revision, NpgsqlDbType.Bigint, cancellation).ConfigureAwait(false);
            }

            written++;
        }

        await import.CompleteAsync(cancellation).ConfigureAwait(false);
        Interlocked.Add(ref _staged, written);
    }

    /// <summary>Removes these ids from the fresh table and answers the documents that were written under them.</summary>
    public async Task<IReadOnlyList<StagedDocument>> TakeBackAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var taken = new List<StagedDocument>();
        if (ids.Count == 0 || Staged == 0)
        {
            return taken;
        }

        await KeyAsync(cancellation).ConfigureAwait(false);
        // A version id is no revision: a document taken back is folded again, which gives it its revision.
        await using var command = new NpgsqlCommand(
            $"delete from {Fresh} where id = any(@ids) returning id, {(_holdsRevision ? "mt_version" : "0::bigint")}, data", _connection);
        command.CommandTimeout = (int)_timeout.TotalSeconds;
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            taken.Add(new StagedDocument(reader.GetGuid(0), _serializer.FromJson(_documentType, reader, 2), reader.GetInt64(1)));
        }

        Interlocked.Add(ref _staged, -taken.Count);
        return taken;
    }

    /// <summary>
    /// Once the pass is over: writes the <paramref name="remaining"/> documents (while the pass's own writes may still
    /// be going on, on its connection); once <paramref name="written"/> says those are done, fills the duplicated
    /// columns, builds the primary key (unless a take-back built it) and the document table's other indexes on the
    /// fresh table (under names of its own until the swap), each on a connection of its own from
    /// <paramref name="connections"/>, so they are built at once and PostgreSQL sorts each once instead of updating it
    /// row by row; then analyses it.
    /// <para>
    /// The analysis leaves out the documents' JSON (<c>data</c>): its statistics are a sort of 30,000 whole documents,
    /// about half of the analysis, and no query reads the column whole (each reads a field of it, whose statistics are
    /// the expression indexes'); PostgreSQL's own analysis, later, takes the column in again.
    /// </para>
    /// </summary>
    public async Task FinishAsync(IReadOnlyCollection<StagedDocument> remaining, Task written, StagingConnections connections, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(remaining);
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(connections);
        if (remaining.Count > 0)
        {
            await connections.RunAsync(connection => CopyAsync(connection, remaining, cancellation), cancellation).ConfigureAwait(false);
        }

        await written.ConfigureAwait(false);
        if (_duplicated.Count > 0)
        {
            await connections.RunAsync(connection => ExecuteAsync(
                connection, $"update {Fresh} set {string.Join(", ", _duplicated.Select(d => $"{d.Column} = {d.Value}"))}", cancellation), cancellation).ConfigureAwait(false);
        }

        // The key is built as a unique index, like the others (adding the constraint itself would lock the table against
        // them), and made the primary key once they are built.
        var builds = _indexes.Select((index, i) => OnFresh(index.Definition, $"{_fresh}_index_{i}"));
        if (!_keyed)
        {
            builds = builds.Prepend($"create unique index {_fresh}_pkey on {Fresh} (id)");
        }

        await Task.WhenAll(builds.Select(build => connections.RunAsync(
            connection => InTransactionAsync(connection, [SortMemory, build], cancellation), cancellation))).ConfigureAwait(false);
        await connections.RunAsync(connection => InTransactionAsync(connection, [
            .. _keyed ? Array.Empty<string>() : [$"alter table {Fresh} add constraint {_fresh}_pkey primary key using index {_fresh}_pkey"],
            $"alter table {Fresh} alter column data set statistics 0",
            $"analyze {Fresh}",
            $"alter table {Fresh} alter column data set statistics -1"], cancellation), cancellation).ConfigureAwait(false);
        _keyed = true;
    }

    /// <summary>Gives the fresh table its primary key, once (which also refuses an id written twice).</summary>
    private async Task KeyAsync(CancellationToken cancellation)
    {
        if (!_keyed)
        {
            await InTransactionAsync(
                _connection, [SortMemory, $"alter table {Fresh} add constraint {_fresh}_pkey primary key (id)"], cancellation).ConfigureAwait(false);
            _keyed = true;
        }
    }

    /// <summary>
    /// In the transaction open on <paramref name="connection"/>, puts the fresh table in the document table's place:
    /// drops the old one, renames the fresh one, its primary key and its indexes to the old names (so Marten finds its
    /// schema as it made it). Readers of the table wait only for the rest of the transaction, and then read the new
    /// documents.
    /// </summary>
    public async Task SwapAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        var renames = _indexes.Select((index, i) => $"alter index {_schema}.{_fresh}_index_{i} rename to {index.Name}");
        await ExecuteAsync(connection, string.Join("; ", [
            $"drop table {Table}",
            $"alter table {Fresh} rename to {_name}",
            $"alter table {Table} rename constraint {_fresh}_pkey to {_primaryKey}",
            .. renames]), cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops every fresh table in <paramref name="schemas"/>: those of a rebuild that stopped (failed, or its process
    /// ended) before its swap. Only for a caller that keeps every other staging out meanwhile.
    /// </summary>
    public static async Task DropLeftoversAsync(NpgsqlConnection connection, IEnumerable<string> schemas, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var leftovers = new List<string>();
        await using (var find = new NpgsqlCommand(
            "select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables where schemaname = any(@schemas) and starts_with(tablename, @prefix)",
            connection))
        {
            find.Parameters.AddWithValue("schemas", schemas.Distinct().ToArray());
            find.Parameters.AddWithValue("prefix", FreshPrefix);
            await using var reader = await find.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                leftovers.Add(reader.GetString(0));
            }
        }

        if (leftovers.Count > 0)
        {
            await using var drop = new NpgsqlCommand($"drop table if exists {string.Join(", ", leftovers)}", connection);
            await drop.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The table's primary key constraint, and every other index with its definition (none may back a constraint).</summary>
    private static async Task<(string PrimaryKey, IReadOnlyList<(string Name, string Definition)> Indexes)> IndexesAsync(
        NpgsqlConnection connection, string table, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            """
            select quote_ident(i.relname), pg_get_indexdef(x.indexrelid), x.indisprimary, c.conname is not null
              from pg_index x join pg_class i on i.oid = x.indexrelid
              left join pg_constraint c on c.conindid = x.indexrelid and c.conrelid = x.indrelid
             where x.indrelid = @table::regclass
             order by i.relname
            """, connection);
        command.Parameters.AddWithValue("table", table);
        string? primaryKey = null;
        var indexes = new List<(string Name, string Definition)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            if (reader.GetBoolean(2))
            {
                primaryKey = reader.GetString(0);
            }
            else if (reader.GetBoolean(3))
            {
                throw new NotSupportedException($"{table} has a constraint besides its primary key ({reader.GetString(0)}), which a rebuild does not recreate");
            }
            else
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return (primaryKey ?? throw new NotSupportedException($"{table} has no primary key"), indexes);
    }

    /// <summary>
    /// An index definition as PostgreSQL prints it (<c>CREATE [UNIQUE] INDEX name ON [ONLY] table USING …</c>) made for
    /// the fresh table under another name.
    /// </summary>
    private string OnFresh(string definition, string name)
    {
        var on = definition.IndexOf(" ON ", StringComparison.Ordinal);
        var index = definition.LastIndexOf(" INDEX ", on, StringComparison.Ordinal);
        var method = definition.IndexOf(" USING ", on, StringComparison.Ordinal);
        if (on < 0 || index < 0 || method < 0)
        {
            throw new NotSupportedException($"An index of {Table} reads '{definition}', which a rebuild cannot make again");
        }

        return $"{definition[..index]} INDEX {name} ON {Fresh}{definition[method..]}";
    }

    private async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.CommandTimeout = (int)_timeout.TotalSeconds;
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>The statements in one transaction (so a <c>set local</c> among them holds for the rest).</summary>
    private async Task InTransactionAsync(NpgsqlConnection connection, IEnumerable<string> statements, CancellationToken cancellation)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        foreach (var statement in statements)
        {
            await ExecuteAsync(connection, statement, cancellation).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellation).ConfigureAwait(false);
    }
}
