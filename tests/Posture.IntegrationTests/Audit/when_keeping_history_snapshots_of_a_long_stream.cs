using Marten;
using Npgsql;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// The history snapshots of a Base stream (docs/adr/0021) are kept for every knownAt, so what they store must grow
/// with the stream's length, not with its square: each snapshot holds what changed since the one before it, so an
/// incident is stored in the snapshot after it was last changed, and a stream four times as long stores about four
/// times as much.
/// </summary>
public sealed class when_keeping_history_snapshots_of_a_long_stream(TestPostgres postgres) : IAsyncLifetime
{
    private const int Short = 1_000;
    private const int Long = 4 * Short;
    private static readonly Instant Origin = Instant.FromUtc(2020, 1, 1, 0, 0);

    private DocumentStore _store = null!;
    private string _connectionString = null!;
    private readonly Guid _short = Guid.NewGuid();
    private readonly Guid _long = Guid.NewGuid();

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync("posture_snapshot_storage");
        _store = DocumentStore.For(o => PostureStore.Configure(o, _connectionString));
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        // Two sites far apart (neither is the other's neighbour), each a registration and then incidents, some
        // corrected or retracted later, so snapshots hold rows that changed after they were first stored.
        await SeedAsync(_short, latitude: 30, Short);
        await SeedAsync(_long, latitude: 35, Long);
    }

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task what_the_snapshots_store_grows_linearly_with_the_stream()
    {
        var reader = new HistoryReader(ThreatOptions.Default);
        await using (var session = _store.QuerySession())
        {
            (await reader.AroundAsync(session, _short, knownAt: null, CancellationToken.None)).ShouldNotBeNull();
            (await reader.AroundAsync(session, _long, knownAt: null, CancellationToken.None)).ShouldNotBeNull();
        }

        var small = await StoredAsync(_short);
        var large = await StoredAsync(_long);
        var figures = $"{Short:N0} events: {small}; {Long:N0} events: {large}";
        small.Snapshots.ShouldBe(Short / BaseHistorySnapshot.Every, figures);
        large.Snapshots.ShouldBe(Long / BaseHistorySnapshot.Every, figures);
        // Every incident in the snapshots once, plus the few changed again after their first snapshot.
        large.IncidentRows.ShouldBeLessThanOrEqualTo(Long + Long / 20, figures);
        // Four times the stream stores about four times the bytes (sixteen times if it grew with the square).
        ((double)large.Bytes / small.Bytes).ShouldBeLessThan(5.0, figures);
    }

    private async Task SeedAsync(Guid site, double latitude, int events)
    {
        await using var session = _store.LightweightSession();
        session.Events.StartStream<Base>(site, new BaseRegistered(site, $"Site {latitude}", "Iraq", "North", latitude, 44, Origin));
        var incidents = new List<Guid>();
        for (var i = 1; i < events; i++)
        {
            // One event in twenty revises an incident recorded about 300 events before (past a snapshot or two).
            object @event = i % 20 == 0 && incidents.Count > 300
                ? i % 40 == 0
                    ? new IncidentRetracted(site, incidents[^300], "duplicate")
                    : new IncidentCorrected(site, incidents[^300], Report(i, rounds: 5), "recounted")
                : Rocket(site, incidents, i);
            session.Events.Append(site, @event);
        }

        await session.SaveChangesAsync();
    }

    private static RocketAttackOccurred Rocket(Guid site, List<Guid> incidents, int minute)
    {
        var id = Guid.NewGuid();
        incidents.Add(id);
        return new RocketAttackOccurred(site, id, Report(minute, rounds: 3));
    }

    private static IncidentReport Report(int minute, int rounds) => new(
        Origin + Duration.FromMinutes(minute), TimePrecision.Hour, rounds, Impact.Perimeter, 0, 1, Affiliation.Contractor,
        Attribution.Unknown, null, "test", Confidence.Confirmed, "Seeded by the test.");

    private async Task<Stored> StoredAsync(Guid site)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
             select count(*), coalesce(sum(jsonb_array_length(data -> 'incidents')), 0), coalesce(sum(pg_column_size(data)), 0)
             from {PostureStore.Schema}.mt_doc_basehistorysnapshot where stream_id = @site
             """, connection);
        command.Parameters.AddWithValue("site", site);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return new Stored(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private sealed record Stored(long Snapshots, long IncidentRows, long Bytes)
    {
        public override string ToString() => $"{Snapshots} snapshots, {IncidentRows} incident rows, {Bytes} bytes";
    }
}
