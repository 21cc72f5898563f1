using System.Text.Json;
using Marten;
using Npgsql;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Contractors;
using Posture.Domain.Threats;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Sites;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// asOf and knownAt on long Base streams start from a snapshot of the fold (docs/adr/0021) and must answer exactly as
/// folding every event does: over every knownAt the history was recorded at and many asOf instants, on streams with
/// late reports, corrections, retractions, people moved by contractors and missions, and rockets stored in their first
/// shape. A snapshot whose event was rewritten, or of an old shape, or unreadable, is not used; a rebuild drops them.
/// </summary>
public sealed class when_reading_history_from_snapshots(TestPostgres postgres) : IAsyncLifetime
{
    private static readonly ThreatOptions Options = ThreatOptions.Default;

    private DocumentStore _store = null!;
    private string _connectionString = null!;
    private Guid[] _sites = [];
    private readonly List<Instant> _recordedAt = [];

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync("posture_history_snapshots");
        _store = DocumentStore.For(o => PostureStore.Configure(o, _connectionString));
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var history = RandomHistory.Generate(seed: 21, sites: 2, events: 2_200, missions: 2);
        _sites = history.Select(h => h.Event).OfType<BaseRegistered>().Select(r => r.BaseId).ToArray();
        var lateReports = 0;
        // People sent to a site before it was registered: the whole fold drops them (there is no site yet), so a
        // snapshot must be restored where its site began, not at the start of the history.
        await using (var session = _store.LightweightSession())
        {
            var contractor = history.Select(h => h.Event).OfType<ContractorEngaged>().First().ContractorId;
            session.Events.Append(contractor, new ContractorsDeployed(contractor, _sites[0], 500, Instant.FromUtc(2019, 12, 1, 0, 0)));
            await session.SaveChangesAsync();
        }

        // About 30 transactions, so there are as many knownAt instants to ask at, each a snapshot boundary or between.
        foreach (var batch in history.Chunk(75))
        {
            await using (var session = _store.LightweightSession())
            {
                foreach (var (stream, @event) in batch)
                {
                    session.Events.Append(stream, @event);
                }

                // A late report: recorded now, it happened well before what was recorded already.
                var site = _sites[lateReports % _sites.Length];
                session.Events.Append(site, new RocketAttackOccurred(site, Guid.NewGuid(), new IncidentReport(
                    Instant.FromUtc(2020, 1, 1, 0, 0) + Duration.FromHours(lateReports++), TimePrecision.Hour, 2, Impact.Perimeter,
                    0, 1, Affiliation.Contractor, Attribution.Unknown, null, "late", Confidence.Probable, null)));
                await session.SaveChangesAsync();
            }

            if (lateReports % 4 == 0)
            {
                await AppendFirstShapeRocketAsync(_sites[0]);
            }

            _recordedAt.Add(await LastRecordedAsync());
        }
    }

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task every_asOf_and_knownAt_answers_as_folding_every_event_does()
    {
        var reader = new HistoryReader(Options);
        await using (var session = _store.QuerySession())
        {
            foreach (var site in _sites)
            {
                (await reader.AroundAsync(session, site, knownAt: null, CancellationToken.None)).ShouldNotBeNull();
            }
        }

        var snapshots = await SnapshotsAsync();
        snapshots.Count.ShouldBeGreaterThanOrEqualTo(4, "each stream of about 800 events has a snapshot every 250 events");
        snapshots.Select(s => s.KnownBy).Distinct().Count().ShouldBeGreaterThan(1, "snapshots were taken at different knowledge times");

        var first = _recordedAt[0];
        var asOfs = Enumerable.Range(-1, 12).Select(i => Instant.FromUtc(2020, 1, 1, 0, 0) + Duration.FromDays(i)).ToList();
        foreach (var knownAt in _recordedAt.Select(k => (Instant?)k).Append(null).Prepend(first - Duration.FromTicks(10)))
        {
            await using var session = _store.QuerySession();
            var expected = HistoryReader.Fold((await HistoryReader.RecordedByAsync(session, knownAt, CancellationToken.None)).Select(e => e.Data), Options);
            foreach (var site in _sites)
            {
                var actual = await reader.AroundAsync(session, site, knownAt, CancellationToken.None);
                ShouldAnswerAlike(actual, expected, site, asOfs, $"knownAt {knownAt}");
            }
        }
    }

    [Fact]
    public async Task a_snapshot_is_not_used_once_its_event_is_rewritten_or_its_shape_is_old_or_it_cannot_be_read()
    {
        await using (var session = _store.QuerySession())
        {
            await new HistoryReader(Options).AroundAsync(session, _sites[0], knownAt: null, CancellationToken.None);
        }

        // A usable snapshot's own content is what a read takes: a marked name shows it was used.
        await MarkAsync();
        (await SiteNameAsync()).ShouldBe(Marked);

        var snapshots = $"{PostureStore.Schema}.mt_doc_basehistorysnapshot";
        var hash = "{" + EventChain.HashHeader + "}";
        string[] spoilt =
        [
            $"update {snapshots} set shape = 'an old shape', data = jsonb_set(data, '{{shape}}', '\"an old shape\"')",
            $"""
            update {PostureStore.Schema}.mt_events e set headers = jsonb_set(headers, '{hash}', '"rewritten"')
            from {snapshots} s where e.stream_id = s.stream_id and e.version = s.stream_version
            """,
            $"update {snapshots} set data = jsonb_set(data, '{{incidents}}', '\"not a list\"')",
        ];
        foreach (var spoil in spoilt)
        {
            await MarkAsync();
            await ExecuteAsync(spoil);
            await ShouldAnswerAsTheWholeFoldAsync();
            (await SnapshotsAsync()).ShouldAllBe(s => s.Shape == BaseHistorySnapshot.CurrentShape && s.Site.Name != Marked, "the read wrote them again");
        }
    }

    [Fact]
    public async Task a_chain_of_snapshots_is_used_up_to_its_first_missing_link_and_written_again_from_there()
    {
        await using (var session = _store.QuerySession())
        {
            await new HistoryReader(Options).AroundAsync(session, _sites[0], knownAt: null, CancellationToken.None);
        }

        var written = (await SnapshotsAsync()).Where(s => s.StreamId == _sites[0]).OrderBy(s => s.StreamVersion).ToList();
        written.Count.ShouldBeGreaterThan(4, "a stream of about 800 events has a chain of snapshots");
        written.Skip(1).Zip(written).ShouldAllBe(p => p.First.PreviousVersion == p.Second.StreamVersion, "each follows the one before");
        var gap = written[2];
        // Every snapshot of the stream is flagged (a read ignores the flag; writing a snapshot again drops it), and
        // those after the gap are marked: a read that used any of them would answer with the marked name.
        var snapshots = $"{PostureStore.Schema}.mt_doc_basehistorysnapshot";
        await ExecuteAsync($"update {snapshots} set data = data || '{{\"untouched\": true}}' where stream_id = '{_sites[0]}'");
        await ExecuteAsync(
            $"update {snapshots} set data = jsonb_set(data, '{{site,name}}', '\"{Marked}\"') where stream_id = '{_sites[0]}' and stream_version > {gap.StreamVersion}");
        await ExecuteAsync($"delete from {snapshots} where id = '{gap.Id}'");

        await ShouldAnswerAsTheWholeFoldAsync();

        var again = (await SnapshotsAsync()).Where(s => s.StreamId == _sites[0]).OrderBy(s => s.StreamVersion).ToList();
        again.Select(s => s.Id).ShouldBe(written.Select(s => s.Id), "the read wrote the chain again from the gap on");
        again.ShouldAllBe(s => s.Site.Name != Marked);
        (await UntouchedAsync(snapshots)).ShouldBe(written.Take(2).Select(s => s.Id), "the snapshots before the gap were used, not written again");
    }

    private async Task<IReadOnlyList<string>> UntouchedAsync(string snapshots)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select id from {snapshots} where stream_id = '{_sites[0]}' and data ->> 'untouched' is not null order by stream_version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private const string Marked = "from the snapshot";

    private Task MarkAsync() =>
        ExecuteAsync($"update {PostureStore.Schema}.mt_doc_basehistorysnapshot set data = jsonb_set(data, '{{site,name}}', '\"{Marked}\"')");

    [Fact]
    public async Task a_rebuild_drops_the_snapshots_and_the_next_long_read_writes_them_again()
    {
        await using (var session = _store.QuerySession())
        {
            await new HistoryReader(Options).AroundAsync(session, _sites[0], knownAt: null, CancellationToken.None);
        }

        await MarkAsync();
        (await SnapshotsAsync()).ShouldNotBeEmpty();

        await ProjectionAudit.RebuildAsync(_store, starting: null, CancellationToken.None);

        (await SnapshotsAsync()).ShouldBeEmpty();
        (await SiteNameAsync()).ShouldNotBe(Marked);
        (await SnapshotsAsync()).ShouldNotBeEmpty("the read after the rebuild folded the whole stream and kept its snapshots");
        await ShouldAnswerAsTheWholeFoldAsync();
    }

    /// <summary>A fresh reader's answer (nothing held in memory) equals the whole fold's, now and at a past knownAt.</summary>
    private async Task ShouldAnswerAsTheWholeFoldAsync()
    {
        var asOfs = new[] { Instant.FromUtc(2020, 1, 2, 0, 0), Instant.FromUtc(2020, 1, 6, 0, 0) };
        foreach (var knownAt in new Instant?[] { null, _recordedAt[^5] })
        {
            await using var session = _store.QuerySession();
            var expected = HistoryReader.Fold((await HistoryReader.RecordedByAsync(session, knownAt, CancellationToken.None)).Select(e => e.Data), Options);
            var actual = await new HistoryReader(Options).AroundAsync(session, _sites[0], knownAt, CancellationToken.None);
            ShouldAnswerAlike(actual, expected, _sites[0], asOfs, $"knownAt {knownAt}");
        }
    }

    private async Task<string?> SiteNameAsync()
    {
        await using var session = _store.QuerySession();
        var snapshot = await new HistoryReader(Options).AroundAsync(session, _sites[0], knownAt: null, CancellationToken.None);
        return snapshot.ShouldNotBeNull().Site(_sites[0])?.Name;
    }

    private void ShouldAnswerAlike(SiteSnapshot? actual, SiteSnapshot expected, Guid site, IReadOnlyList<Instant> asOfs, string when)
    {
        var serializer = _store.Options.Serializer();
        string Json(object? value) => value is null ? "null" : serializer.ToJson(value);
        var expectedSite = expected.Site(site);
        if (expectedSite is null)
        {
            actual.ShouldBeNull(when);
            return;
        }

        actual.ShouldNotBeNull(when);
        var actualSite = actual.Site(site).ShouldNotBeNull(when);
        Json(actualSite).ShouldBe(Json(expectedSite), when);
        Json(actual.IncidentsAt(site).ToList()).ShouldBe(Json(expected.IncidentsAt(site).ToList()), when);
        actual.OrganisationNames.OrderBy(o => o.Key).ShouldBe(expected.OrganisationNames.OrderBy(o => o.Key), when);
        foreach (var at in asOfs)
        {
            Json(actual.Threat(site, at)).ShouldBe(Json(expected.Threat(site, at)), $"{when}, asOf {at}");
            Json(actual.Headcount(actualSite, at)).ShouldBe(Json(expected.Headcount(expectedSite, at)), $"{when}, asOf {at}");
        }
    }

    private async Task<IReadOnlyList<BaseHistorySnapshot>> SnapshotsAsync()
    {
        await using var session = _store.QuerySession();
        return await session.Query<BaseHistorySnapshot>().ToListAsync();
    }

    private async Task<Instant> LastRecordedAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select max(timestamp) from {PostureStore.Schema}.mt_events", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(0));
    }

    /// <summary>A rocket attack in its first shape (docs/events.md, change log), appended by hand as an old Posture stored it.</summary>
    private async Task AppendFirstShapeRocketAsync(Guid site)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["baseId"] = site,
            ["incidentId"] = Guid.NewGuid(),
            ["occurredAt"] = "2020-01-03T17:30:00Z",
            ["rounds"] = 4,
            ["impact"] = "perimeter",
            ["killed"] = 0,
            ["injured"] = 1,
            ["casualtiesAffiliation"] = "contractor",
            ["claimedBy"] = "someone",
            ["source"] = "old shape",
            ["confidence"] = "confirmed",
            ["notes"] = null,
        });
        await ExecuteAsync($"""
            insert into {PostureStore.Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            select nextval('{PostureStore.Schema}.mt_events_sequence'), gen_random_uuid(), stream_id, version + 1, '{payload}'::jsonb,
                   'rocket_attack_occurred', now(), tenant_id, 'Posture.Domain.Bases.RocketAttackOccurred, Posture.Domain', false
            from {PostureStore.Schema}.mt_events where stream_id = '{site}' order by version desc limit 1;
            update {PostureStore.Schema}.mt_streams set version = version + 1 where id = '{site}';
            """);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
