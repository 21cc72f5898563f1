using System.Diagnostics;
using System.Text.Json;
using Alba;
using Marten;
using Npgsql;
using Posture.Cli.Demo;
using Posture.Domain.Bases;
using Posture.Domain.Contractors;
using Posture.Domain.Incidents;
using Posture.Domain.Missions;
using Posture.Domain.Sites;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Cli;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// The read models are proved against the history (<c>posture projections verify</c>), a tampered document is
/// named, and a rebuild from the event log puts it right.
/// </summary>
public sealed class when_rebuilding_projections(TestPostgres postgres)
{
    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<Dictionary<string, string?>> DemoAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild");
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString };
        (await CliRun.RunAsync(configuration, "demo")).ExitCode.ShouldBe(0);
        return configuration;
    }

    [Fact]
    public async Task after_the_demo_the_read_models_are_what_the_history_folds_to()
    {
        var configuration = await DemoAsync();

        var run = await CliRun.RunAsync(configuration, "projections", "verify");

        run.ExitCode.ShouldBe(0, run.Output + run.Error);
        run.Output.ShouldContain("3 sites, 3 incidents, 2 organisations: identical");
    }

    [Fact]
    public async Task on_a_terminal_a_rebuild_shows_its_progress_and_leaves_the_read_models_identical()
    {
        var configuration = await DemoAsync();

        var run = await CliRun.RunOnATerminalAsync(configuration, "projections", "rebuild");

        run.ExitCode.ShouldBe(0, run.Output + run.Error);
        run.Output.ShouldContain("Rebuilding SitePosture");
        run.Output.ShouldContain("Rebuilt every read model from the event log.");
        (await CliRun.RunAsync(configuration, "projections", "verify")).Output.ShouldContain("3 sites, 3 incidents, 2 organisations: identical");
    }

    [Fact]
    public async Task help_shows_how_to_verify_and_rebuild()
    {
        var help = await CliRun.RunAsync(new Dictionary<string, string?>(), "projections", "--help");

        help.ExitCode.ShouldBe(0, help.Error);
        help.Output.ShouldContain("projections verify");
        help.Output.ShouldContain("projections rebuild --verify");
    }

    [Fact]
    public async Task a_tampered_site_and_a_lost_incident_are_named_and_a_rebuild_puts_them_right()
    {
        var configuration = await DemoAsync();
        var connectionString = configuration["ConnectionStrings:Posture"]!;
        await ExecuteAsync(connectionString,
            $"update {PostureStore.Schema}.mt_doc_siteposture set data = jsonb_set(data, '{{name}}', '\"Tampered Air Base\"') where id = '{DemoCommand.Balad}'");
        await ExecuteAsync(connectionString,
            $"delete from {PostureStore.Schema}.mt_doc_incidentlogentry where id = (select min(id::text)::uuid from {PostureStore.Schema}.mt_doc_incidentlogentry)");

        var verify = await CliRun.RunAsync(configuration, "projections", "verify");

        verify.ExitCode.ShouldBe(1, verify.Output + verify.Error);
        verify.Output.ShouldContain("2 differ from the history");
        verify.Output.ShouldContain(DemoCommand.Balad.ToString());
        verify.Output.ShouldContain("name: stored \"Tampered Air Base\", history says \"Balad Air Base\"");
        verify.Output.ShouldContain("IncidentLogEntry");
        verify.Output.ShouldContain("missing from the store");

        var rebuild = await CliRun.RunAsync(configuration, "projections", "rebuild", "--verify");

        rebuild.ExitCode.ShouldBe(1, "the live read models differed before the rebuild: " + rebuild.Output + rebuild.Error);
        rebuild.Output.ShouldContain("the live read models: 3 sites, 3 incidents, 2 organisations: 2 differ");
        rebuild.Output.ShouldContain("the rebuilt read models: 3 sites, 3 incidents, 2 organisations: identical");

        var again = await CliRun.RunAsync(configuration, "projections", "verify");

        again.ExitCode.ShouldBe(0, again.Output + again.Error);
        again.Output.ShouldContain("identical");
        var sites = await CliRun.RunAsync(configuration, "sites", "--format", "json");
        sites.Output.ShouldContain("Balad Air Base");
        sites.Output.ShouldNotContain("Tampered");
    }

    [Fact]
    public async Task site_documents_kept_with_their_incidents_still_load_verify_and_show_the_last_incident()
    {
        var configuration = await DemoAsync();
        // The shape a site's document had before it stopped keeping incidents (ADR 0011): every incident's occurred-at
        // by id, and the two figures computed from them.
        await ExecuteAsync(configuration["ConnectionStrings:Posture"]!, $$"""
            update {{PostureStore.Schema}}.mt_doc_siteposture set data = data || jsonb_build_object(
                'incidents', jsonb_build_object('{{Guid.NewGuid()}}', '2099-01-01T00:00:00Z'),
                'incidentCount', 1, 'lastIncidentAt', '2099-01-01T00:00:00Z')
            """);

        var verify = await CliRun.RunAsync(configuration, "projections", "verify");

        verify.ExitCode.ShouldBe(0, verify.Output + verify.Error);
        verify.Output.ShouldContain("3 sites, 3 incidents, 2 organisations: identical");
        var sites = await CliRun.RunAsync(configuration, "sites", "--format", "json", "--at", "2021-03-01T00:00:00Z");
        sites.ExitCode.ShouldBe(0, sites.Output + sites.Error);
        var balad = JsonDocument.Parse(sites.Output).RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Balad Air Base");
        balad.GetProperty("lastIncidentAt").GetString().ShouldBe("2021-02-20T17:30:00Z", "from the incident log, not the old member");
    }

    [Fact]
    public async Task a_store_kept_before_the_decision_snapshots_gets_them_from_a_rebuild()
    {
        var configuration = await DemoAsync();
        var connectionString = configuration["ConnectionStrings:Posture"]!;
        await ExecuteAsync(connectionString, $"delete from {PostureStore.Schema}.mt_doc_base");
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        (await BaladForWritingAsync(store)).ShouldBeNull("a command finds no base without its snapshot");

        var rebuild = await CliRun.RunAsync(configuration, "projections", "rebuild");

        rebuild.ExitCode.ShouldBe(0, rebuild.Output + rebuild.Error);
        var balad = await BaladForWritingAsync(store);
        balad.ShouldNotBeNull();
        await using var session = store.QuerySession();
        var folded = await session.Events.AggregateStreamAsync<Base>(DemoCommand.Balad);
        balad.ShouldBe(folded);
        balad.Name.ShouldBe("Balad Air Base");
    }

    private static async Task<Base?> BaladForWritingAsync(DocumentStore store)
    {
        await using var session = store.LightweightSession();
        return (await session.Events.FetchForWriting<Base>(DemoCommand.Balad)).Aggregate;
    }

    [Fact]
    public async Task rebuilding_a_random_history_of_ten_thousand_events_gives_the_live_read_models_exactly()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_random");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 20261126, sites: 50, events: 10_000);

        var live = await DocumentsAsync(connectionString);
        live["SitePosture"].Count.ShouldBe(50);
        live["IncidentLogEntry"].Count.ShouldBeGreaterThan(1000);
        live["Organisation"].Count.ShouldBe(RandomHistory.Contractors);
        live["Base"].Count.ShouldBe(50, "every base's decision snapshot is kept inline");
        var before = await ProjectionAudit.VerifyAsync(store, CancellationToken.None);
        before.Identical.ShouldBeTrue(string.Join("\n", before.Differences.Take(5)));

        var outcome = await ProjectionAudit.RebuildAsync(store, starting: null, CancellationToken.None);

        outcome.Events.ShouldBe(10_000);
        outcome.FetchedBack.ShouldBe(0, "20,000 rows are held in memory before any is parked");
        ShouldBeTheSame(await DocumentsAsync(connectionString), live);
        var after = await ProjectionAudit.VerifyAsync(store, CancellationToken.None);
        after.Identical.ShouldBeTrue(string.Join("\n", after.Differences.Take(5)));
        await SitePositionColumns.ShouldBeFilledAsync(connectionString);
    }

    [Fact]
    public async Task rebuilding_corrections_retractions_contractors_and_missions_with_rows_parked_out_of_memory_gives_what_the_inline_projections_wrote()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_parked");
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        var history = RandomHistory.Generate(seed: 8, sites: 20, events: 4_000, missions: 3);
        history.Select(h => h.Event.GetType().Name).Distinct().ShouldBeSubsetOf(EventCatalogue.StoredNames.Keys.Select(t => t.Name));
        history.Select(h => h.Event).OfType<IncidentCorrected>().ShouldNotBeEmpty();
        history.Select(h => h.Event).OfType<IncidentRetracted>().ShouldNotBeEmpty();
        history.Select(h => h.Event).OfType<MissionPersonnelWithdrawn>().ShouldNotBeEmpty();
        history.Select(h => h.Event).OfType<MissionReduced>().ShouldNotBeEmpty();
        await AppendAsync(store, history);
        var live = await DocumentsAsync(connectionString);
        live["Organisation"].Count.ShouldBe(RandomHistory.Contractors + 3);
        live["ThreatRecord"].ShouldBeEmpty("no threat level was recorded: the projection is rebuilt empty");

        // Holding 100 rows of about 2,000 parks most of them in the staging tables; corrections and retractions of
        // parked incidents, and sites fed again by contractors and missions, fetch them back.
        var outcome = await ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), CancellationToken.None, holding: 100);

        outcome.Events.ShouldBe(4_000);
        outcome.Documents["IncidentLogEntry"].ShouldBe(live["IncidentLogEntry"].Count);
        outcome.Documents["SiteThreatSum"].ShouldBe(20, "the running sums are folded in the same pass");
        outcome.FetchedBack.ShouldBeGreaterThan(0, "rows parked out of memory were changed by later events");
        ShouldBeTheSame(await DocumentsAsync(connectionString), live);
        (await ProjectionAudit.VerifyAsync(store, CancellationToken.None)).Identical.ShouldBeTrue();

        // Marten goes on keeping the rebuilt documents inline: its revisions are the ones it would have written.
        var retracted = history.Select(h => h.Event).OfType<IncidentRetracted>().Select(r => r.IncidentId).ToHashSet();
        var believed = history.Select(h => h.Event).OfType<IIncidentOccurred>().Last(i => !retracted.Contains(i.IncidentId));
        var mission = history.First(h => h.Event is MissionLaunched).Stream;
        await AppendAsync(store, [
            (believed.BaseId, new IncidentCorrected(believed.BaseId, believed.IncidentId, believed.Report with { Rounds = 99 }, "corrected after the rebuild")),
            (mission, new MissionPersonnelAssigned(mission, believed.BaseId, 7, believed.Report.OccurredAt)),
        ]);
        var afterwards = await ProjectionAudit.VerifyAsync(store, CancellationToken.None);
        afterwards.Identical.ShouldBeTrue(string.Join("\n", afterwards.Differences.Take(5)));
        await using var session = store.QuerySession();
        (await session.LoadAsync<IncidentLogEntry>(believed.IncidentId))!.Report.Rounds.ShouldBe(99);
    }

    [Fact]
    public async Task a_rebuild_that_fails_midway_leaves_the_old_tables_as_they_were()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_failed");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 31, sites: 20, events: 3_000);
        var live = await DocumentsAsync(connectionString);
        // An incident near the end of the log that no longer reads: the rebuild has written most rows when it fails.
        await ExecuteAsync(connectionString,
            $"update {PostureStore.Schema}.mt_events set data = '\"unreadable\"'::jsonb where seq_id = (select max(seq_id) from {PostureStore.Schema}.mt_events where data ? 'incidentId')");

        await Should.ThrowAsync<Exception>(() => ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), CancellationToken.None, holding: 100));

        ShouldBeTheSame(await DocumentsAsync(connectionString), live);
        (await FreshTablesAsync(connectionString)).ShouldBe(0, "a rebuild that fails drops its fresh tables");
        await using var session = store.LightweightSession();
        (await session.Query<SitePosture>().CountAsync()).ShouldBe(20);
    }

    [Fact]
    public async Task a_rebuild_that_cannot_make_its_tables_says_why_and_leaves_the_old_ones_as_they_were()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_unmade");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 9, sites: 10, events: 1_000);
        var live = await DocumentsAsync(connectionString);
        // The fourth fresh table cannot be made: the tables are made while the events are read, and the pass is stopped.
        await ExecuteAsync(connectionString, """
            create function refuse_fourth_table() returns event_trigger language plpgsql as $$
            begin
              if current_query() like '%posture_rebuilding_3 %' then raise exception 'no fourth table'; end if;
            end $$;
            create event trigger refuse_fourth_table on ddl_command_start when tag in ('CREATE TABLE') execute function refuse_fourth_table();
            """);

        var failure = await Should.ThrowAsync<PostgresException>(() => ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), CancellationToken.None));

        failure.MessageText.ShouldBe("no fourth table", "the cause, not the stop of the pass it caused");
        (await FreshTablesAsync(connectionString)).ShouldBe(0, "the three it made are dropped");
        ShouldBeTheSame(await DocumentsAsync(connectionString), live);
    }

    [Fact]
    public async Task the_rebuilt_tables_have_the_keys_and_indexes_marten_made()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_schema");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 5, sites: 10, events: 1_000);
        var before = await IndexesAsync(connectionString);
        before.ShouldContain(i => i.Contains("mt_doc_incidentlogentry") && i.Contains("site_id"), "the incident log is indexed by site");

        await ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), CancellationToken.None, holding: 100);

        (await IndexesAsync(connectionString)).ShouldBe(before);
        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
        (await FreshTablesAsync(connectionString)).ShouldBe(0);
    }

    [Fact]
    public async Task the_rebuilt_tables_are_analysed_except_for_the_documents_json()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_analysed");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 12, sites: 10, events: 1_000);

        await ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), CancellationToken.None);

        var analysed = await ScalarAsync<string[]>(connectionString,
            $"select array_agg(tablename || '.' || attname order by 1) from pg_stats where schemaname = '{PostureStore.Schema}' and tablename like 'mt_doc_incidentlogentry%'");
        analysed.ShouldContain("mt_doc_incidentlogentry.id");
        analysed.ShouldContain(column => column.StartsWith("mt_doc_incidentlogentry_idx_", StringComparison.Ordinal), "the indexed fields of the JSON");
        analysed.ShouldNotContain("mt_doc_incidentlogentry.data");
        (await ScalarAsync<bool>(connectionString,
            $"select coalesce(attstattarget, -1) < 0 from pg_attribute where attrelid = '{PostureStore.Schema}.mt_doc_incidentlogentry'::regclass and attname = 'data'"))
            .ShouldBeTrue("PostgreSQL's own analysis takes the JSON in again later");
    }

    [Fact]
    public async Task the_rebuild_reads_the_event_log_in_the_order_of_its_key_instead_of_sorting_it_first()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_key_order");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 8, sites: 10, events: 2_000);
        await ExecuteAsync(connectionString, $"analyze {PostureStore.Schema}.mt_events");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var read = await connection.BeginTransactionAsync();
        // As on a large log, whose whole table the planner would rather read in a row and sort than through its key.
        await ExecuteAsync(connection, "set local random_page_cost = 1000");

        var planned = await PlanAsync(connection);
        await ExecuteAsync(connection, ProjectionRebuild.InKeyOrder);
        var streamed = await PlanAsync(connection);

        planned.ShouldContain("\"Sort\"", customMessage: "left to itself the planner sorts the whole log before the first event comes");
        streamed.ShouldNotContain("\"Sort\"");
        streamed.ShouldContain("\"Index Name\": \"pkey_mt_events_seq_id\"");
    }

    /// <summary>The plan of the rebuild's read of every event, as PostgreSQL's JSON.</summary>
    private static async Task<string> PlanAsync(NpgsqlConnection connection)
    {
        await using var query = ProjectionRebuild.EventsQuery(connection, PostureStore.Schema, EventCatalogue.StoredNames.Values);
        query.CommandText = "explain (format json) " + query.CommandText;
        return (string)(await query.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_rebuild_waits_while_another_holds_the_rebuild_lock()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_waits");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 3, sites: 10, events: 1_000);
        var live = await DocumentsAsync(connectionString);
        await using var other = new NpgsqlConnection(connectionString);
        await other.OpenAsync();
        await ExecuteAsync(other, $"select pg_advisory_lock({ProjectionRebuild.LockClass}, {ProjectionRebuild.LockObject})");

        var rebuilding = ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), CancellationToken.None);
        await EventuallyAsync(async () => await ScalarAsync<long>(connectionString,
            $"select count(*) from pg_locks where locktype = 'advisory' and classid = {ProjectionRebuild.LockClass} and objid = {ProjectionRebuild.LockObject} and not granted") == 1);

        rebuilding.IsCompleted.ShouldBeFalse();
        (await FreshTablesAsync(connectionString)).ShouldBe(0, "it makes nothing before it has the lock");
        await ExecuteAsync(other, $"select pg_advisory_unlock({ProjectionRebuild.LockClass}, {ProjectionRebuild.LockObject})");
        (await rebuilding).Events.ShouldBe(1_000);
        ShouldBeTheSame(await DocumentsAsync(connectionString), live);
    }

    [Fact]
    public async Task a_rebuild_given_up_while_it_waits_leaves_the_running_ones_tables_alone()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_given_up");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 4, sites: 5, events: 200);
        await using var running = new NpgsqlConnection(connectionString);
        await running.OpenAsync();
        // What a rebuild holding the lock is making.
        await ExecuteAsync(running, $"select pg_advisory_lock({ProjectionRebuild.LockClass}, {ProjectionRebuild.LockObject})");
        await ExecuteAsync(running, $"create table {PostureStore.Schema}.posture_rebuilding_4 (like {PostureStore.Schema}.mt_doc_incidentlogentry)");
        using var giveUp = new CancellationTokenSource();

        var waiting = ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), giveUp.Token);
        await EventuallyAsync(async () => await ScalarAsync<long>(connectionString,
            $"select count(*) from pg_locks where locktype = 'advisory' and classid = {ProjectionRebuild.LockClass} and not granted") == 1);
        await giveUp.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => waiting);
        (await FreshTablesAsync(connectionString)).ShouldBe(1, "the tables of the rebuild holding the lock are its own");
    }

    [Fact]
    public async Task two_rebuilds_at_once_both_give_what_the_inline_projections_wrote()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_twice");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 17, sites: 20, events: 3_000);
        var live = await DocumentsAsync(connectionString);

        // Without the lock the second would drop the first's fresh tables as leftovers, or fail to make its own.
        var outcomes = await Task.WhenAll(
            ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), CancellationToken.None, holding: 100),
            ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), CancellationToken.None, holding: 100));

        outcomes.ShouldAllBe(o => o.Events == 3_000);
        outcomes[0].Documents.ShouldBe(outcomes[1].Documents);
        ShouldBeTheSame(await DocumentsAsync(connectionString), live);
        (await FreshTablesAsync(connectionString)).ShouldBe(0);
        (await ProjectionAudit.VerifyAsync(store, CancellationToken.None)).Identical.ShouldBeTrue();
    }

    [Fact]
    public async Task a_rebuild_whose_connections_die_midway_leaves_the_old_tables_and_the_next_drops_its_leftovers()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_rebuild_died");
        await using var store = await StoreWithHistoryAsync(connectionString, seed: 23, sites: 20, events: 2_000);
        var live = await DocumentsAsync(connectionString);

        // The event log locked, the rebuild makes its fresh tables while it waits to read; then every connection of it
        // ends, as when its process is killed: nothing is left to drop the fresh tables.
        await using (var killer = new NpgsqlConnection(connectionString))
        {
            await killer.OpenAsync();
            await using var hold = await killer.BeginTransactionAsync();
            await ExecuteAsync(killer, $"lock table {PostureStore.Schema}.mt_events in access exclusive mode");
            var rebuilding = ProjectionRebuild.RunAsync(store, TimeSpan.FromMinutes(5), CancellationToken.None);
            await EventuallyAsync(async () => await ScalarAsync<long>(connectionString,
                $"select count(*) from pg_locks where relation = '{PostureStore.Schema}.mt_events'::regclass and not granted") == 1
                && await FreshTablesAsync(connectionString) == ProjectionAudit.Rebuilt(store).Count);
            await ExecuteAsync(killer, "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
            await Should.ThrowAsync<NpgsqlException>(() => rebuilding);
            // The pooled connections the test used were ended too.
            NpgsqlConnection.ClearAllPools();
        }

        (await FreshTablesAsync(connectionString)).ShouldBe(ProjectionAudit.Rebuilt(store).Count, "its fresh tables were committed, and nobody dropped them");
        ShouldBeTheSame(await DocumentsAsync(connectionString), live);

        // A store of its own: the first one's pooled connections were ended.
        await using var next = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        await ExecuteAsync(connectionString, $"update {PostureStore.Schema}.mt_doc_siteposture set data = jsonb_set(data, '{{name}}', '\"Tampered\"')");
        (await ProjectionRebuild.RunAsync(next, TimeSpan.FromMinutes(5), CancellationToken.None)).Events.ShouldBe(2_000);

        (await FreshTablesAsync(connectionString)).ShouldBe(0);
        ShouldBeTheSame(await DocumentsAsync(connectionString), live);
        await next.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits (up to a minute) until <paramref name="condition"/> holds.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = TimeSpan.FromMinutes(1);
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            waited.Elapsed.ShouldBeLessThan(deadline, "the condition never held");
            await Task.Delay(20);
        }
    }

    /// <summary>Every index of the document tables, by name, with its definition.</summary>
    private static async Task<List<string>> IndexesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select indexname || ': ' || indexdef from pg_indexes where schemaname = '{PostureStore.Schema}' and tablename like 'mt_doc_%' order by 1", connection);
        var indexes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            indexes.Add(reader.GetString(0));
        }

        return indexes;
    }

    private static async Task<long> FreshTablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from pg_class where relname like 'posture_rebuilding%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A store on <paramref name="connectionString"/> holding a random history, appended through Marten (inline projections kept).</summary>
    private static async Task<DocumentStore> StoreWithHistoryAsync(string connectionString, int seed, int sites, int events)
    {
        var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        await AppendAsync(store, RandomHistory.Generate(seed, sites, events));
        return store;
    }

    private static async Task AppendAsync(DocumentStore store, IReadOnlyList<(Guid Stream, object Event)> history)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        // A command appends one event per site; so does each session here. Marten's inline multi-stream projections do
        // not fold a session's events in the order they were appended (a deployment appended after an evacuation of
        // the same contractor at the same site was folded before it), whereas a rebuild replays the event sequence.
        foreach (var batch in Batches(history))
        {
            await using var session = store.LightweightSession();
            foreach (var (stream, @event) in batch)
            {
                session.Events.Append(stream, @event);
            }

            await session.SaveChangesAsync();
        }
    }

    private static void ShouldBeTheSame(Dictionary<string, Dictionary<Guid, string>> rebuilt, Dictionary<string, Dictionary<Guid, string>> live)
    {
        foreach (var (document, rows) in live)
        {
            rebuilt[document].Keys.Order().ShouldBe(rows.Keys.Order(), document);
            foreach (var (id, json) in rows)
            {
                JsonElement.DeepEquals(JsonDocument.Parse(rebuilt[document][id]).RootElement, JsonDocument.Parse(json).RootElement)
                    .ShouldBeTrue($"{document} {id}: live {json}, rebuilt {rebuilt[document][id]}");
            }
        }
    }

    /// <summary>The history in order, cut into sessions of at most 500 events in which no site is fed twice.</summary>
    private static IEnumerable<List<(Guid Stream, object Event)>> Batches(IReadOnlyList<(Guid Stream, object Event)> history)
    {
        var batch = new List<(Guid Stream, object Event)>();
        var fed = new HashSet<Guid>();
        foreach (var (stream, @event) in history)
        {
            var site = @event is IBaseEvent e ? e.BaseId : Headcount.ChangeOf(@event)?.BaseId;
            if (batch.Count == 500 || (site is { } id && fed.Contains(id)))
            {
                yield return batch;
                batch = [];
                fed.Clear();
            }

            batch.Add((stream, @event));
            if (site is { } fedSite)
            {
                fed.Add(fedSite);
            }
        }

        yield return batch;
    }

    /// <summary>Every stored read-model and snapshot document's JSON, by table and id, as PostgreSQL holds it.</summary>
    private static async Task<Dictionary<string, Dictionary<Guid, string>>> DocumentsAsync(string connectionString)
    {
        var documents = new Dictionary<string, Dictionary<Guid, string>>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        foreach (var name in ProjectionAudit.Rebuilt(store))
        {
            var rows = new Dictionary<Guid, string>();
            await using var command = new NpgsqlCommand($"select id, data::text from {PostureStore.Schema}.mt_doc_{name.ToLowerInvariant()}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows[reader.GetGuid(0)] = reader.GetString(1);
            }

            documents[name] = rows;
        }

        return documents;
    }
}

/// <summary>The same over HTTP, for an administrator.</summary>
public sealed class when_an_administrator_verifies_the_read_models(PostureHost host) : PostureScenario(host)
{
    [Fact]
    public async Task verify_names_a_tampered_site_and_rebuild_puts_it_right()
    {
        await Host.Alba.RegisterBaladAsync();
        var clean = await Host.Alba.GetAsJson<JsonElement>("/api/admin/projections/verify");
        clean.GetProperty("identical").GetBoolean().ShouldBeTrue(clean.ToString());
        clean.GetProperty("sites").GetInt32().ShouldBe(1);

        await using (var session = Host.Store.LightweightSession())
        {
            session.QueueSqlCommand(
                $"update {PostureStore.Schema}.mt_doc_siteposture set data = jsonb_set(data, '{{region}}', '\"Nowhere\"') where id = ?", Requests.Balad);
            await session.SaveChangesAsync();
        }

        var tampered = await Host.Alba.GetAsJson<JsonElement>("/api/admin/projections/verify");
        tampered.GetProperty("identical").GetBoolean().ShouldBeFalse();
        tampered.GetProperty("differenceCount").GetInt32().ShouldBe(1);
        var difference = tampered.GetProperty("differences").EnumerateArray().ShouldHaveSingleItem();
        difference.GetProperty("document").GetString().ShouldBe("SitePosture");
        difference.GetProperty("id").GetGuid().ShouldBe(Requests.Balad);
        difference.GetProperty("what").GetString()!.ShouldContain("Nowhere");

        var rebuilt = await Host.Alba.Scenario(s =>
        {
            s.Post.Url("/api/admin/projections/rebuild");
            s.StatusCodeShouldBe(200);
        });
        var answer = await rebuilt.ReadAsJsonAsync<JsonElement>();
        answer.GetProperty("identical").GetBoolean().ShouldBeTrue(answer.ToString());
        (await Host.Alba.GetAsJson<JsonElement>("/api/admin/projections/verify")).GetProperty("identical").GetBoolean().ShouldBeTrue();
    }
}
