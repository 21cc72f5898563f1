using Marten;
using Marten.Storage;
using Npgsql;

namespace Posture.Infrastructure.Storage;

/// <summary>
/// Connections for the work that finishes fresh tables (<see cref="DocumentStaging.FinishAsync"/>): at most
/// <c>slots</c> of them open at once, each opened for one piece of work (a copy, an index build, an analysis) and
/// closed after it, so the pieces of several tables run side by side and no piece waits holding a connection.
/// </summary>
public sealed class StagingConnections(IDocumentStore store, int slots) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    /// <summary>Runs <paramref name="work"/> on a connection of its own once one of the slots is free.</summary>
    public async Task RunAsync(Func<NpgsqlConnection, Task> work, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _slots.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
            await connection.OpenAsync(cancellation).ConfigureAwait(false);
            await work(connection).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
