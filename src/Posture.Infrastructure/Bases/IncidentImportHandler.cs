using JasperFx;
using Marten;
using NodaTime;
using Npgsql;
using Posture.Domain.Bases;
using Posture.Domain.Common;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Sites;
using Posture.Infrastructure.Storage;
using Wolverine;

namespace Posture.Infrastructure.Bases;

/// <summary>
/// An import's held rows: one <see cref="RecordIncidents"/> per site among them, written together in one transaction
/// (docs/adr/0012-csv-import.md).
/// </summary>
public sealed record ImportIncidents(IReadOnlyList<RecordIncidents> Sites);

/// <summary>
/// The bulk write path of <c>posture import</c>. Each site's incidents are decided by the domain exactly as a
/// <see cref="RecordIncidents"/> is (<see cref="BaseDecider"/>, on the base's decision snapshot, a repeat compared with
/// the report first recorded), but the events and the inline documents they change are written set-based, for every
/// site at once, in one transaction: the events with their chain hashes (<see cref="BulkEvents"/>), and the base's
/// snapshot, the site, its running threat sum and the incident-log rows (<see cref="BulkDocuments"/>) folded by the same pure functions the
/// inline projections delegate to (<see cref="Base.Evolve"/>, <see cref="SitePosture.Evolve"/>,
/// <see cref="IncidentLogEntry.Evolve"/>, <see cref="SiteThreatSum.Evolve"/>), so they are what Marten would have written. One
/// <see cref="ReassessThreat"/> per site with new incidents goes to the outbox in the same transaction.
/// <para>
/// The transaction is REPEATABLE READ: every read sees one snapshot, and a row another writer changed since (a base's
/// stream, a site, an incident's row) makes the write fail instead of overwriting it; the whole batch is retried on
/// fresh state (<see cref="IncidentImport"/>, or the bus, ADR 0009), and the rows it already decided are decided again.
/// </para>
/// </summary>
public static class IncidentImportHandler
{
    /// <summary>The batch sent on the bus: recorded as its sender, with its envelope's correlation and causation ids.</summary>
    public static Task<(ImportOutcome, OutgoingMessages)> Handle(
        ImportIncidents command, IDocumentSession session, IMessageContext context, IClock clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = new EventMetadata(Callers.Of(context), context.Envelope?.CorrelationId ?? context.Envelope?.Id.ToString(), context.Envelope?.Id.ToString());
        return WriteAsync(command, session, metadata, clock, cancellation);
    }

    /// <summary>
    /// Decides the batch and writes it in the session's transaction, which this begins (REPEATABLE READ); the caller
    /// saves the session, which commits it with the answered messages in the outbox (<see cref="IncidentImport"/>, or
    /// Wolverine's transactional middleware for <see cref="Handle"/>).
    /// </summary>
    public static async Task<(ImportOutcome, OutgoingMessages)> WriteAsync(
        ImportIncidents command, IDocumentSession session, EventMetadata metadata, IClock clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(clock);
        await session.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        var connection = session.Connection;
        await using (var isolation = new NpgsqlCommand("set transaction isolation level repeatable read", connection))
        {
            await isolation.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }

        var documents = new BulkDocuments(session.DocumentStore);
        var siteIds = command.Sites.Select(s => s.BaseId).Distinct().ToList();
        if (siteIds.Count != command.Sites.Count)
        {
            throw new ArgumentException("each site may appear once in an import's batch", nameof(command));
        }

        // What each base's history says of the incidents its rows name (repeats are compared with it): every site's
        // read in one round trip, not one per site.
        var known = session.CreateBatchQuery();
        var incidentEvents = command.Sites.ToDictionary(
            s => s.BaseId, s => known.IncidentEvents(s.BaseId, [.. s.Incidents.Select(i => i.IncidentId).Distinct()]));
        await known.Execute(cancellation).ConfigureAwait(false);
        var versions = await StreamVersionsAsync(connection, session.DocumentStore.Options.Events.DatabaseSchemaName, siteIds, cancellation).ConfigureAwait(false);
        var bases = await documents.LoadAsync<Base>(connection, siteIds, cancellation).ConfigureAwait(false);
        // Locked before any event is appended, as a command locks them before its append (docs/adr/0028): the other
        // order let a command and a batch each hold what the other waited for. A row a command changed since this
        // transaction's snapshot fails the lock with 40001, a lost race (StorageConflicts): the batch is retried.
        var sites = await documents.LoadAsync<SitePosture>(connection, siteIds, cancellation, locked: true).ConfigureAwait(false);
        var sums = await documents.LoadAsync<SiteThreatSum>(connection, siteIds, cancellation).ConfigureAwait(false);
        // The incident log's rows of every id the batch names: an id another base holds is refused row by row, as a
        // command refuses it (IncidentRecords.HeldElsewhere); the rows the new incidents fold onto are these.
        var logRows = await documents.LoadAsync<IncidentLogEntry>(
            connection, [.. command.Sites.SelectMany(s => s.Incidents.Select(i => i.IncidentId)).Distinct()], cancellation).ConfigureAwait(false);
        var threat = PostureStore.ThreatSumsOf(session.DocumentStore).Threat;
        var now = clock.GetCurrentInstant();

        var outcomes = new List<IncidentBatchOutcome>(command.Sites.Count);
        var appends = new List<StreamAppend>();
        var snapshots = new List<(Guid, Base, long)>();
        var siteRows = new List<(Guid, SitePosture, long)>();
        var sumRows = new List<(Guid, SiteThreatSum, long)>();
        var newIncidents = new List<IIncidentOccurred>();
        var messages = new OutgoingMessages();
        foreach (var batch in command.Sites)
        {
            var version = versions.GetValueOrDefault(batch.BaseId);
            var state = bases.GetValueOrDefault(batch.BaseId)?.Document;
            if (state is null && version > 0)
            {
                // A stream with events but no snapshot (a store from before them): folded from its events, as a command would.
                state = await session.Events.AggregateStreamAsync<Base>(batch.BaseId, token: cancellation).ConfigureAwait(false);
            }

            // (Every row of the import's batch: the decider looks up only this site's ids.)
            var elsewhere = IncidentRecords.HeldElsewhere(batch.BaseId, logRows.Values.Select(r => r.Document));
            var decision = BaseDecider.Decide(
                batch, state, IncidentRecords.AsOf(await incidentEvents[batch.BaseId].ConfigureAwait(false), version), now, elsewhere);
            var combined = decision.Combined;
            var outcome = combined.Rejection is { } refused
                ? CommandOutcome.Refused(batch.BaseId, refused)
                : new CommandOutcome(batch.BaseId, version + combined.Events.Count, combined.Events.Count, null);
            outcomes.Add(BaseCommandHandler.BatchOutcome(batch, outcome, decision));
            if (combined.Events.Count == 0)
            {
                continue;
            }

            appends.Add(new StreamAppend(batch.BaseId, version, combined.Events));
            snapshots.Add((batch.BaseId, combined.Events.Aggregate(state, Base.Evolve)!, version + combined.Events.Count));
            if (sites.GetValueOrDefault(batch.BaseId) is { } site)
            {
                siteRows.Add((batch.BaseId, combined.Events.Aggregate<object, SitePosture?>(site.Document, SitePosture.Evolve)!, site.Revision + 1));
            }

            // The site's running threat sum, as ThreatSumProjection folds it (an import only adds incidents, so no
            // earlier report is needed).
            var sum = sums.GetValueOrDefault(batch.BaseId);
            if (combined.Events.Aggregate(sum?.Document, (s, e) => SiteThreatSum.Evolve(s, e, threat)) is { } summed)
            {
                sumRows.Add((batch.BaseId, summed, (sum?.Revision ?? 0) + 1));
            }

            newIncidents.AddRange(combined.Events.OfType<IIncidentOccurred>());
            messages.Add(new ReassessThreat([batch.BaseId], "incidents imported"));
        }

        try
        {
            await new BulkEvents(session.DocumentStore).AppendAsync(connection, session.TenantId, appends, metadata, cancellation).ConfigureAwait(false);
            await documents.UpsertAsync(connection, snapshots, cancellation).ConfigureAwait(false);
            await documents.UpsertAsync(connection, siteRows, cancellation).ConfigureAwait(false);
            await documents.UpsertAsync(connection, sumRows, cancellation).ConfigureAwait(false);
            var (stored, added) = IncidentRows(logRows, newIncidents);
            await documents.UpsertAsync(connection, stored, cancellation).ConfigureAwait(false);
            await documents.InsertAsync(connection, added, cancellation).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // An incident's row this snapshot did not have was inserted by another writer since. (A document read above
            // and changed since fails with 40001, which StorageConflicts already counts as a lost race.)
            throw new ConcurrencyException("another writer inserted a document this import found absent; read it again and retry", e);
        }

        return (new ImportOutcome(outcomes), messages);
    }

    /// <summary>
    /// The incident-log rows the new incidents make: folded onto the rows already stored under their ids (read before
    /// the decision, in this transaction's snapshot), each revision one more than before; those stored already apart
    /// from the new ones, which are inserted without <c>on conflict</c>.
    /// </summary>
    private static (List<(Guid, IncidentLogEntry, long)> Stored, List<(Guid, IncidentLogEntry, long)> Added) IncidentRows(
        Dictionary<Guid, StoredDocument<IncidentLogEntry>> stored, List<IIncidentOccurred> incidents)
    {
        var rows = new Dictionary<Guid, (IncidentLogEntry? Entry, long Revision)>();
        foreach (var incident in incidents)
        {
            var (entry, revision) = rows.TryGetValue(incident.IncidentId, out var folded) ? folded
                : stored.TryGetValue(incident.IncidentId, out var row) ? (row.Document, row.Revision)
                : (null, 0);
            rows[incident.IncidentId] = (IncidentLogEntry.Evolve(entry, incident), revision);
        }

        // An incident's row is written once per transaction, as Marten's projection writes it: one revision more.
        var written = rows.Where(r => r.Value.Entry is not null).Select(r => (r.Key, r.Value.Entry!, r.Value.Revision + 1)).ToLookup(r => stored.ContainsKey(r.Key));
        return ([.. written[true]], [.. written[false]]);
    }

    private static async Task<Dictionary<Guid, long>> StreamVersionsAsync(
        NpgsqlConnection connection, string schema, List<Guid> streamIds, CancellationToken cancellation)
    {
        await using var select = new NpgsqlCommand($"select id, version from {schema}.mt_streams where id = any($1)", connection);
        select.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. streamIds] });
        var versions = new Dictionary<Guid, long>();
        await using var reader = await select.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            versions[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        return versions;
    }
}

/// <summary>What an <see cref="ImportIncidents"/> answers: each site's outcome, in the command's order.</summary>
public sealed record ImportOutcome(IReadOnlyList<IncidentBatchOutcome> Sites);
