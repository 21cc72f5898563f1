using System.Data.Common;
using Marten;
using Marten.Linq.QueryHandlers;
using Marten.Services.BatchQuerying;
using Weasel.Postgresql;
using Weasel.Storage;

namespace Posture.Infrastructure.Marten;

/// <summary>
/// Reads read-model rows locked for the rest of the command's transaction (<c>FOR UPDATE</c>), for
/// <see cref="InlineFolds"/>. A site row is changed by several streams (an incident on its Base stream, a deployment on
/// a contractor's), and commands on different streams do not wait for one another: were each to read the row and store
/// its own fold, the last commit would win and the other's change would be lost. Locked, a second writer's read waits
/// until the first commits and then reads the row that commit left, so the two folds follow one another
/// (docs/adr/0028). Rows are locked in the order of their ids, so two commits that change the same rows cannot each
/// hold one the other waits for.
/// </summary>
public static class LockedRows
{
    /// <summary>
    /// Adds to <paramref name="batch"/> the read of the rows of <typeparamref name="TDocument"/> with these ids, locked;
    /// the batch must run in a transaction (<see cref="InlineFolds"/> begins it). A row absent now is not locked: the
    /// fold inserts it rather than upserting, so of two first writes one fails and is retried as a lost race.
    /// </summary>
    public static Task<IReadOnlyList<TDocument>> Read<TDocument>(IBatchedQuery batch, Guid[] ids) where TDocument : class
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = batch.Parent.DocumentStore.Options.FindOrResolveDocumentType(typeof(TDocument)).TableName.QualifiedName;
        return batch.AddItem(new Handler<TDocument>(table, ids));
    }

    private sealed class Handler<TDocument>(string table, Guid[] ids) : IQueryHandler<IReadOnlyList<TDocument>>
        where TDocument : class
    {
        public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
        {
            builder.Append($"select d.data from {table} d where d.id = any(");
            builder.AppendParameter(ids);
            // ORDER BY sits below the row locking in PostgreSQL's plan, so the rows are locked in this order.
            builder.Append(") order by d.id for update");
        }

        public async Task<IReadOnlyList<TDocument>> HandleAsync(DbDataReader reader, IStorageSession session, CancellationToken token)
        {
            var serializer = ((global::Marten.Internal.IMartenSession)session).Serializer;
            var rows = new List<TDocument>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                rows.Add(serializer.FromJson<TDocument>(reader, 0));
            }

            return rows;
        }

        public Task<int> StreamJson(Stream stream, DbDataReader reader, CancellationToken token) =>
            throw new NotSupportedException("Locked rows are read as documents, not streamed as JSON.");
    }
}
