using System.Diagnostics;
using JasperFx;
using Marten;
using Posture.Infrastructure.Json;

namespace Posture.Benchmarks;

/// <summary>
/// The stack's own floor, for reference: plain Marten 9 at its defaults, as the reference program used it, with
/// no aggregate read, no decision, no read models, no bus and no outbox. Each SaveChanges appends the same report as the
/// commands and the raw rows carry (the RecordIncident record as the event), to a stream of the client's own.
/// </summary>
internal static class PlainMarten
{
    /// <summary>Events per second, one event per SaveChanges, from <paramref name="clients"/> clients each appending to its own stream.</summary>
    public static async Task<double> OneEventPerSaveChangesAsync(string connectionString, int events, int clients)
    {
        await using var store = await StoreAsync(connectionString);
        var streams = Enumerable.Range(0, clients).Select(_ => Guid.NewGuid()).ToList();
        // Warm up: the first appends create the streams, fill the connection pool and compile Marten's code paths.
        foreach (var stream in streams)
        {
            await AppendAsync(store, stream, 0, 1);
        }

        var perClient = events / clients;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(streams.Select(stream => Task.Run(async () =>
        {
            for (var i = 1; i <= perClient; i++)
            {
                await AppendAsync(store, stream, i, 1);
            }
        })));
        stopwatch.Stop();
        return perClient * clients / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Events per second, <paramref name="batch"/> events per SaveChanges, from one client.</summary>
    public static async Task<double> BatchedAsync(string connectionString, int events, int batch)
    {
        await using var store = await StoreAsync(connectionString);
        var stream = Guid.NewGuid();
        await AppendAsync(store, stream, 0, 1);
        var batches = events / batch;
        var stopwatch = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
        {
            await AppendAsync(store, stream, 1 + (b * batch), batch);
        }

        stopwatch.Stop();
        return batches * batch / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<DocumentStore> StoreAsync(string connectionString)
    {
        var store = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.AutoCreateSchemaObjects = AutoCreate.All;
            // The report holds NodaTime values: serialized as Posture serializes them, otherwise Marten's defaults.
            options.UseSystemTextJsonForSerialization(configure: o => PostureJson.Configure(o));
        });
        // The event tables exist before the clock starts.
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }

    private static async Task AppendAsync(DocumentStore store, Guid stream, int first, int count)
    {
        await using var session = store.LightweightSession();
        for (var n = first; n < first + count; n++)
        {
            session.Events.Append(stream, Workload.Incident(stream, n));
        }

        await session.SaveChangesAsync();
    }
}
