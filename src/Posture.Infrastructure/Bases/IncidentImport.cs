using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Storage;
using Wolverine.Marten;

namespace Posture.Infrastructure.Bases;

/// <summary>
/// How <c>posture import</c> writes its batches: <see cref="IncidentImportHandler.WriteAsync"/> in a session of its
/// own, with Wolverine's Marten outbox enrolled in it, so the <see cref="Sites.ReassessThreat"/> messages are stored
/// in the batch's transaction and delivered once it commits, exactly as the bus's transactional middleware does for a
/// handler. The batch is not sent on the bus because Wolverine would first generate and compile (Roslyn) the handler's
/// code in the importing process: about 4 s of processor time, the largest single cost of an import (ADR 0012).
/// <para>
/// Retried as the bus retries a command its caller waits for (PostureServices): a lost race on fresh state after
/// <see cref="StorageConflicts.RetryCooldowns"/>, a database failure after
/// <see cref="DatabaseOutages.InlineRetryCooldowns"/>; nothing of a failed attempt was committed.
/// </para>
/// </summary>
public static class IncidentImport
{
    /// <summary>
    /// Writes one batch as <paramref name="caller"/>; its events name <paramref name="correlationId"/> (the import's
    /// run) as their correlation and a new id for the batch as their causation.
    /// </summary>
    public static async Task<ImportOutcome> WriteAsync(
        IServiceProvider services, ImportIncidents command, string caller, string correlationId, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(services);
        var metadata = new EventMetadata(caller, correlationId, Guid.NewGuid().ToString());
        var clock = services.GetRequiredService<IClock>();
        var races = 0;
        var failures = 0;
        while (true)
        {
            try
            {
                return await WriteOnceAsync(services, command, metadata, clock, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (StorageConflicts.IsLostRace(e) && races < StorageConflicts.RetryCooldowns.Count)
            {
                await Task.Delay(StorageConflicts.RetryCooldowns[races++], cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when ((DatabaseOutages.IsOutage(e) || e is NpgsqlException) && failures < DatabaseOutages.InlineRetryCooldowns.Count)
            {
                await Task.Delay(DatabaseOutages.InlineRetryCooldowns[failures++], cancellation).ConfigureAwait(false);
            }
        }
    }

    private static async Task<ImportOutcome> WriteOnceAsync(
        IServiceProvider services, ImportIncidents command, EventMetadata metadata, IClock clock, CancellationToken cancellation)
    {
        await using var scope = services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        outbox.Enroll(session);
        var (outcome, messages) = await IncidentImportHandler.WriteAsync(command, session, metadata, clock, cancellation).ConfigureAwait(false);
        foreach (var message in messages)
        {
            await outbox.PublishAsync(message).ConfigureAwait(false);
        }

        await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        return outcome;
    }
}
