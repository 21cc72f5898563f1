using System.Data.Common;
using Marten;
using Marten.Linq.QueryHandlers;
using Marten.Services.BatchQuerying;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Storage;

namespace Posture.Infrastructure.Marten;

/// <summary>
/// Optimistic concurrency for the read-model rows <see cref="InlineFolds"/> writes. Two commands on different streams
/// (an incident on a Base stream, a deployment on a contractor's) can change one row at once, and each reads the row
/// before its transaction begins: each would store its own fold, and the last commit would win. So a row is read
/// with its <c>xmin</c>, and the commit that rewrites or deletes it first locks it and checks the <c>xmin</c> is
/// still the one read; if another commit changed it in between, the check raises SQLSTATE 40001, the transaction is
/// rolled back, and the command is retried on fresh state as any lost race is (<c>StorageConflicts</c>, ADR 0009).
/// A row that was absent is inserted, not upserted, so two first writes cannot both land either. Not covered: a row
/// another commit deleted in between (the check finds no row to lock); no two streams delete one row today.
/// </summary>
public static class RowGuard
{
    private const string Function = "posture_expect_row";

    /// <summary>Installs the check's function with Marten's own schema management.</summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Storage.Add(new RowGuardSchema(options));
    }

    /// <summary>Reads the rows of <typeparamref name="TDocument"/> with these ids, each with its xmin, in the batch.</summary>
    public static Task<IReadOnlyList<(TDocument Document, string Stamp)>> ReadStamped<TDocument>(IBatchedQuery batch, Guid[] ids)
        where TDocument : class
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.AddItem(new StampedRows<TDocument>(TableOf<TDocument>(batch.Parent.DocumentStore), ids));
    }

    /// <summary>Queues, ahead of the write that follows it, the check that the row is still as it was read.</summary>
    public static void Expect<TDocument>(IDocumentOperations operations, Guid id, string stamp) where TDocument : class
    {
        ArgumentNullException.ThrowIfNull(operations);
        // An UPDATE, not a SELECT: it returns no result set, which Marten's batch, reading the results of its own
        // statements in order, does not expect from a queued command. It locks the row, waiting for a commit in flight
        // on it, and then (read committed) tests the row that commit left, so a change committed after this transaction
        // read the row is always seen. The row is rewritten or deleted by the write that follows in any case.
        operations.QueueSqlCommand(
            $"update {TableOf<TDocument>(operations.DocumentStore)} set id = id where id = ? and {operations.DocumentStore.Options.DatabaseSchemaName}.{Function}(xmin::text, ?)",
            id, stamp);
    }

    private static string TableOf<TDocument>(IDocumentStore store) =>
        store.Options.FindOrResolveDocumentType(typeof(TDocument)).TableName.QualifiedName;

    private sealed class StampedRows<TDocument>(string table, Guid[] ids) : IQueryHandler<IReadOnlyList<(TDocument Document, string Stamp)>>
        where TDocument : class
    {
        public void ConfigureCommand(Weasel.Postgresql.ICommandBuilder builder, IStorageSession session)
        {
            builder.Append($"select d.data, d.xmin::text from {table} d where d.id = any(");
            builder.AppendParameter(ids);
            builder.Append(")");
        }

        public async Task<IReadOnlyList<(TDocument Document, string Stamp)>> HandleAsync(
            DbDataReader reader, IStorageSession session, CancellationToken token)
        {
            var serializer = ((global::Marten.Internal.IMartenSession)session).Serializer;
            var rows = new List<(TDocument, string)>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                rows.Add((serializer.FromJson<TDocument>(reader, 0), reader.GetString(1)));
            }

            return rows;
        }

        public Task<int> StreamJson(Stream stream, DbDataReader reader, CancellationToken token) =>
            throw new NotSupportedException("Stamped rows are read as documents, not streamed as JSON.");
    }

    private sealed class RowGuardSchema(StoreOptions options) : FeatureSchemaBase("posture_row_guard", options.Advanced.Migrator)
    {
        protected override IEnumerable<ISchemaObject> schemaObjects()
        {
            var schema = options.DatabaseSchemaName;
            yield return new Function(new PostgresqlObjectName(schema, Function, SchemaUtils.IdentifierUsage.General), $"""
                CREATE OR REPLACE FUNCTION {schema}.{Function}(now_stamp text, seen text)
                 RETURNS boolean
                 LANGUAGE plpgsql
                AS $function$
                BEGIN
                  IF now_stamp IS DISTINCT FROM seen THEN
                    RAISE EXCEPTION 'a row changed after it was read' USING ERRCODE = '40001';
                  END IF;
                  RETURN true;
                END
                $function$;
                """);
        }
    }
}
