using System.Globalization;
using System.Text.Json.Nodes;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using Posture.Cli.Demo;
using Posture.Cli.Import;
using Posture.Domain.Bases;
using Posture.Domain.Threats;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Storage;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Cli;

/// <summary>
/// <c>posture import</c> writes its rows in bulk (ADR 0012): the store it leaves must be the one Marten's own append
/// would have left. The chain verifies, the read models and the bases' decision snapshots equal a fold of the history,
/// every stream's version is its last event's, the events carry their stored names and who imported them, and a
/// command appending to a base while the import runs loses nothing and corrupts nothing.
/// </summary>
public sealed class when_importing_in_bulk(TestPostgres postgres)
{
    private static readonly Guid Erbil = Guid.Parse("e4b11000-0000-4000-8000-000000000002");
    private static readonly string Sample = Path.Combine(AppContext.BaseDirectory, "Cli", "acled-sample.csv");

    private async Task<(Dictionary<string, string?> Configuration, string ConnectionString)> DemoAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_bulk");
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString, ["Posture:Cli:User"] = "bulk-officer" };
        (await CliRun.RunAsync(configuration, "demo")).ExitCode.ShouldBe(0);
        return (configuration, connectionString);
    }

    /// <summary>A file of <paramref name="rows"/> attacks, taking turns at Erbil, Balad and the NATO HQ (the sample's rows 1, 2 and 15).</summary>
    private static async Task<string> FileOfAsync(int rows, string prefix)
    {
        var sample = await File.ReadAllLinesAsync(Sample);
        (string Line, string Id)[] templates = [(sample[1], "IRQ90001"), (sample[2], "IRQ90002"), (sample[15], "IRQ90015")];
        var file = Path.Combine(Path.GetTempPath(), $"posture-bulk-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(file, [sample[0], .. Enumerable.Range(0, rows).Select(i =>
            templates[i % 3].Line.Replace(templates[i % 3].Id, string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:00000}"), StringComparison.Ordinal))]);
        return file;
    }

    private static async Task<List<(Guid Stream, long Version, long Events, long Last)>> StreamsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand($"""
            select s.id, s.version, count(e.seq_id), coalesce(max(e.version), 0)
            from {PostureStore.Schema}.mt_streams s left join {PostureStore.Schema}.mt_events e on e.stream_id = s.id group by s.id, s.version
            """, connection);
        var streams = new List<(Guid, long, long, long)>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            streams.Add((reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return streams;
    }

    /// <summary>Everything a store written by Marten's own append would satisfy.</summary>
    private static async Task ShouldBeWholeAsync(Dictionary<string, string?> configuration, string connectionString)
    {
        var verify = await CliRun.RunAsync(configuration, "audit", "verify");
        verify.ExitCode.ShouldBe(0, verify.Output + verify.Error);
        verify.Output.ShouldContain("no tampering found");

        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        var projections = await ProjectionAudit.VerifyAsync(store, CancellationToken.None);
        projections.Identical.ShouldBeTrue(string.Join("; ", projections.Differences.Take(5).Select(d => $"{d.Document} {d.Id}: {d.What}")));

        await using var session = store.QuerySession();
        var serializer = store.Options.Serializer();
        foreach (var site in new[] { DemoCommand.Balad, Erbil })
        {
            var snapshot = (await session.LoadAsync<Base>(site)).ShouldNotBeNull();
            var folded = (await session.Events.AggregateStreamAsync<Base>(site)).ShouldNotBeNull();
            // (As JSON values: a dictionary read back from jsonb comes in jsonb's key order, not the order it was built in.)
            JsonNode.DeepEquals(JsonNode.Parse(serializer.ToJson(snapshot)), JsonNode.Parse(serializer.ToJson(folded)))
                .ShouldBeTrue($"the decision snapshot of {site} is its history folded");
        }

        (await StreamsAsync(connectionString)).ShouldAllBe(s => s.Version == s.Events && s.Version == s.Last);
    }

    [Fact]
    public async Task the_store_it_leaves_verifies_and_equals_a_fold_of_its_history_however_often_it_runs()
    {
        var (configuration, connectionString) = await DemoAsync();
        var file = await FileOfAsync(3_000, "BULK");
        try
        {
            var first = await CliRun.RunAsync(configuration, "import", file);
            var again = await CliRun.RunAsync(configuration, "import", file);

            first.ExitCode.ShouldBe(0, first.Output + first.Error);
            first.Output.ShouldContain("imported 3000, already imported 0, skipped 0, rejected 0");
            again.Output.ShouldContain("imported 0, already imported 3000, skipped 0, rejected 0");
            await ShouldBeWholeAsync(configuration, connectionString);
            await SitePositionColumns.ShouldBeFilledAsync(connectionString);

            await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
            await using var session = store.QuerySession();
            var erbil = await session.Events.FetchStreamAsync(Erbil);
            var imported = erbil.Where(e => e.Data is IIncidentOccurred { } o && o.IncidentId == AcledRows.IncidentIdOf("BULK00000")).ShouldHaveSingleItem();
            imported.EventTypeName.ShouldBe("rocket_attack_occurred");
            imported.DotNetTypeName.ShouldBe("Posture.Domain.Bases.RocketAttackOccurred, Posture.Domain");
            imported.UserName.ShouldBe("bulk-officer");
            imported.CorrelationId.ShouldNotBeNullOrEmpty();
            imported.CausationId.ShouldNotBeNullOrEmpty();
            imported.Headers.ShouldNotBeNull().ShouldContainKey(EventChain.HashHeader);
            erbil.Select(e => e.Version).ShouldBe(Enumerable.Range(1, erbil.Count).Select(v => (long)v));
            erbil.Count(e => e.Data is IIncidentOccurred).ShouldBe(1 + 1_000, "the demo's one and the file's thousand");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task a_command_appending_to_a_base_while_the_import_runs_loses_nothing_and_corrupts_nothing()
    {
        var (configuration, connectionString) = await DemoAsync();
        var file = await FileOfAsync(3_000, "RACE");
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        var commands = new List<Guid>();
        try
        {
            var import = Task.Run(() => CliRun.RunAsync(configuration, "import", file));
            // Attacks recorded on Balad as a command records them (its snapshot read for writing, the append checked
            // against the version read, inline projections), now and then while the import runs. (A base written
            // faster than a batch takes would make the import's retries run out: ADR 0012.)
            var number = 0;
            while (number < 10 && !import.IsCompleted)
            {
                var incident = Guid.NewGuid();
                try
                {
                    await using var session = store.LightweightSession();
                    var stream = await session.Events.FetchForWriting<Base>(DemoCommand.Balad);
                    stream.AppendOne(new SmallArmsFireOccurred(DemoCommand.Balad, incident, new IncidentReport(
                        PostureHost.Now - NodaTime.Duration.FromHours(number + 1), TimePrecision.Hour, 0, Impact.Perimeter, 0, 0, null,
                        Attribution.Unknown, null, "test", Confidence.Probable, null)));
                    await session.SaveChangesAsync();
                    commands.Add(incident);
                    number++;
                }
                catch (Exception e) when (StorageConflicts.IsLostRace(e))
                {
                    // Lost the race to the import (its batch held the site row, then moved the stream on): the bus would
                    // retry at once on the fresh version, and so does this. Only a landed command waits for the next round.
                    continue;
                }

                await Task.Delay(300);
            }

            var run = await import;

            run.ExitCode.ShouldBe(0, run.Output + run.Error);
            run.Output.ShouldContain("imported 3000, already imported 0, skipped 0, rejected 0");
            commands.Count.ShouldBeGreaterThan(0);
            await ShouldBeWholeAsync(configuration, connectionString);
            await using var query = store.QuerySession();
            var balad = await query.Events.FetchStreamAsync(DemoCommand.Balad);
            var recorded = balad.Select(e => e.Data).OfType<IIncidentOccurred>().Select(o => o.IncidentId).ToHashSet();
            commands.ShouldAllBe(c => recorded.Contains(c));
            recorded.Count.ShouldBe(2 + 1_000 + commands.Count, "the demo's two, the file's thousand, and every command's");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task the_hashes_it_computes_are_the_ones_the_trigger_computes_for_the_same_rows()
    {
        var (configuration, connectionString) = await DemoAsync();
        var demoVersion = (await StreamsAsync(connectionString)).Single(s => s.Stream == Erbil).Version;
        var file = await FileOfAsync(600, "HASH");
        try
        {
            (await CliRun.RunAsync(configuration, "import", file)).ExitCode.ShouldBe(0);
        }
        finally
        {
            File.Delete(file);
        }

        // The imported rows of Erbil taken out and put back as they are but without their hashes, in a transaction
        // that does not say it computed them: the trigger hashes each one from the row before it, as it hashes any
        // other writer's. Its hashes must be the import's, row by row (the payloads the import rendered in process
        // included, docs/adr/0029). Rolled back.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var statement in new[]
        {
            $"create temp table imported on commit drop as select * from {PostureStore.Schema}.mt_events where stream_id = $1 and version > $2",
            $"delete from {PostureStore.Schema}.mt_events where stream_id = $1 and version > $2",
        })
        {
            await using var command = new NpgsqlCommand(statement, connection);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Erbil });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = demoVersion });
            await command.ExecuteNonQueryAsync();
        }

        await using (var reinsert = new NpgsqlCommand($"""
            insert into {PostureStore.Schema}.mt_events
              select seq_id, id, stream_id, version, data, bdata, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id,
                headers - '{EventChain.HashHeader}', user_name, is_archived
              from imported order by version
            """, connection))
        {
            (await reinsert.ExecuteNonQueryAsync()).ShouldBe(200, "Erbil's rows of the file");
        }

        await using var compare = new NpgsqlCommand($"""
            select count(*), count(*) filter (where e.headers ->> '{EventChain.HashHeader}' = i.headers ->> '{EventChain.HashHeader}')
              from imported i join {PostureStore.Schema}.mt_events e using (seq_id)
            """, connection);
        await using (var reader = await compare.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).ShouldBeTrue();
            reader.GetInt64(0).ShouldBe(200);
            reader.GetInt64(1).ShouldBe(200, "every row hashed by the trigger as the import hashed it");
        }

        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task a_hash_a_writer_gives_is_kept_only_when_its_transaction_says_it_computed_it()
    {
        var (configuration, connectionString) = await DemoAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var next = (await StreamsAsync(connectionString)).Single(s => s.Stream == Erbil).Version + 1;
        async Task<string?> InsertAsync(bool precomputed)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var setting = new NpgsqlCommand("select set_config($1, $2, true)", connection);
            setting.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EventChain.PrecomputedSetting });
            setting.Parameters.Add(new NpgsqlParameter<string> { TypedValue = precomputed ? "on" : "off" });
            await setting.ExecuteNonQueryAsync();
            await using var insert = new NpgsqlCommand(
                $"insert into {PostureStore.Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, headers) "
                + $"values (nextval('{PostureStore.Schema}.mt_events_sequence'), gen_random_uuid(), $1, $2, '{{}}', 'threat_assessed', now(), $3::jsonb) "
                + $"returning headers ->> '{EventChain.HashHeader}'", connection);
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Erbil });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = next });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $$"""{"{{EventChain.HashHeader}}": "0000"}""" });
            var hash = (string?)await insert.ExecuteScalarAsync();
            await transaction.RollbackAsync();
            return hash;
        }

        (await InsertAsync(precomputed: false)).ShouldNotBe("0000", "a row inserted by any other writer is hashed by the trigger");
        (await InsertAsync(precomputed: true)).ShouldBe("0000");
        (await CliRun.RunAsync(configuration, "audit", "verify")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task an_append_after_a_stream_moved_on_is_refused_whole()
    {
        var (_, connectionString) = await DemoAsync();
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        var before = await StreamsAsync(connectionString);
        var erbilVersion = before.Single(s => s.Stream == Erbil).Version;
        var baladVersion = before.Single(s => s.Stream == DemoCommand.Balad).Version;
        var assessed = new ThreatAssessed(Erbil, ThreatLevel.High, "test", PostureHost.Now, PostureHost.Now + NodaTime.Duration.FromDays(1));

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var tenant = store.QuerySession();
        var append = () => new BulkEvents(store).AppendAsync(connection, tenant.TenantId,
            [new StreamAppend(DemoCommand.Balad, baladVersion, [assessed with { BaseId = DemoCommand.Balad }]), new StreamAppend(Erbil, erbilVersion - 1, [assessed])],
            new EventMetadata("test", null, null), CancellationToken.None);

        await Should.ThrowAsync<ConcurrencyException>(append);
        await transaction.RollbackAsync();
        (await StreamsAsync(connectionString)).ShouldBe(before, ignoreOrder: true);
    }
}
