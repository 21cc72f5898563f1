using System.Text.Json;
using Marten;
using Npgsql;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Infrastructure;
using Weasel.Core;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// Every event carries a hash chained to the one before it in its stream, set by a trigger as the row is inserted;
/// the verifier recomputes each from the stored rows. A row changed, deleted or stripped of its hash straight in
/// PostgreSQL is reported, and nothing else is.
/// </summary>
public sealed class when_verifying_the_event_chain(PostureHost host) : PostureScenario(host)
{
    private const string Schema = PostureStore.Schema;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.SallyportAtBaladAsync(46);
        for (var day = 1; day <= 3; day++)
        {
            await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks",
                Requests.SeedAttackBody().With("occurredAt", $"2021-02-{day + 10:00}T17:30:00Z"), 201);
        }

        await Host.WaitForQuietAsync();
    }

    private Task<ChainVerification> VerifyAsync(long? anchorAt = null) =>
        ChainVerifier.VerifyAsync(Host.Store, anchorAt, keepHeads: true, progress: null, TestContext.Current.CancellationToken);

    private async Task<int> SqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = Host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    private async Task<long> BaladVersionAsync()
    {
        await using var session = Host.Store.QuerySession();
        return (await session.Events.FetchStreamStateAsync(Requests.Balad)).ShouldNotBeNull().Version;
    }

    [Fact]
    public async Task an_untouched_history_verifies_and_every_event_carries_its_hash()
    {
        var verification = await VerifyAsync();

        verification.ProblemCount.ShouldBe(0, string.Join("\n", verification.Problems));
        verification.Intact.ShouldBeTrue();
        verification.Unchained.ShouldBe(0);
        verification.Chained.ShouldBe(verification.Events);
        await using var session = Host.Store.QuerySession();
        var events = await session.Events.QueryAllRawEvents().ToListAsync();
        verification.Events.ShouldBe(events.Count);
        events.ShouldAllBe(e => e.Headers != null && e.Headers.ContainsKey(EventChain.HashHeader));
        // Each stream's head is its last event's hash, and the anchor digest is stable while nothing is written.
        var balad = verification.Heads.Single(h => h.StreamId == Requests.Balad);
        balad.Version.ShouldBe(await BaladVersionAsync());
        (await VerifyAsync(verification.Anchor.Sequence)).Anchor.ShouldBe(verification.Anchor);
    }

    [Fact]
    public async Task a_payload_changed_in_the_table_is_reported_at_that_event_only()
    {
        (await SqlAsync($"update {Schema}.mt_events set data = jsonb_set(data, '{{report,rounds}}', '40') where stream_id = @s and version = 2",
            ("s", Requests.Balad))).ShouldBe(1);

        var verification = await VerifyAsync();

        verification.Intact.ShouldBeFalse();
        var problem = verification.Problems.ShouldHaveSingleItem();
        (problem.StreamId, problem.Version).ShouldBe((Requests.Balad, 2L));
        problem.What.ShouldContain("hash does not match");
    }

    [Fact]
    public async Task a_field_added_to_a_payload_is_reported()
    {
        (await SqlAsync($"update {Schema}.mt_events set data = data || '{{\"retracted\": true}}'::jsonb where stream_id = @s and version = 3",
            ("s", Requests.Balad))).ShouldBe(1);

        var problem = (await VerifyAsync()).Problems.ShouldHaveSingleItem();

        (problem.StreamId, problem.Version).ShouldBe((Requests.Balad, 3L));
    }

    [Fact]
    public async Task a_changed_recorder_or_recorded_at_is_reported()
    {
        (await SqlAsync($"update {Schema}.mt_events set user_name = 'someone.else' where stream_id = @s and version = 1", ("s", Requests.Balad))).ShouldBe(1);
        (await SqlAsync($"update {Schema}.mt_events set timestamp = timestamp - interval '1 day' where stream_id = @s and version = 2",
            ("s", Requests.Balad))).ShouldBe(1);

        var problems = (await VerifyAsync()).Problems;

        problems.Select(p => (p.StreamId, p.Version)).ShouldBe([(Requests.Balad, 1L), (Requests.Balad, 2L)]);
    }

    [Fact]
    public async Task a_deleted_event_leaves_a_gap_that_is_reported()
    {
        (await SqlAsync($"delete from {Schema}.mt_events where stream_id = @s and version = 2", ("s", Requests.Balad))).ShouldBe(1);

        var problems = (await VerifyAsync()).Problems;

        // The event after the gap names the missing version, and no longer chains to the event before the gap.
        problems.ShouldAllBe(p => p.StreamId == Requests.Balad && p.Version == 3);
        problems.ShouldContain(p => p.What.Contains("version 2 missing"));
        problems.ShouldContain(p => p.What.Contains("hash does not match"));
    }

    [Fact]
    public async Task events_deleted_from_the_end_of_a_stream_are_reported()
    {
        var version = await BaladVersionAsync();
        (await SqlAsync($"delete from {Schema}.mt_events where stream_id = @s and version = @v", ("s", Requests.Balad), ("v", (int)version))).ShouldBe(1);

        var problem = (await VerifyAsync()).Problems.ShouldHaveSingleItem();

        problem.StreamId.ShouldBe(Requests.Balad);
        problem.What.ShouldContain($"records version {version} but its last event is version {version - 1}");
    }

    [Fact]
    public async Task an_edited_hash_is_reported_at_its_event_and_the_one_chained_to_it()
    {
        (await SqlAsync($"""
            update {Schema}.mt_events set headers = jsonb_set(headers, array[@h], to_jsonb(encode(sha256('forged'::bytea), 'hex')))
            where stream_id = @s and version = 2
            """, ("s", Requests.Balad), ("h", EventChain.HashHeader))).ShouldBe(1);

        var problems = (await VerifyAsync()).Problems;

        problems.Select(p => (p.StreamId, p.Version)).ShouldBe([(Requests.Balad, 2L), (Requests.Balad, 3L)]);
    }

    [Fact]
    public async Task a_removed_hash_is_reported_not_taken_for_an_old_event()
    {
        (await SqlAsync($"update {Schema}.mt_events set headers = headers - '{EventChain.HashHeader}' where stream_id = @s and version = 2",
            ("s", Requests.Balad))).ShouldBe(1);

        var verification = await VerifyAsync();

        verification.Unchained.ShouldBe(0);
        verification.Problems.ShouldContain(p => p.StreamId == Requests.Balad && p.Version == 2 && p.What.Contains("no hash"));
    }

    [Fact]
    public async Task the_anchor_exposes_a_history_rewritten_consistently()
    {
        var anchor = (await VerifyAsync()).Anchor;
        // Someone with full write access removes the last event and the stream's version with it: every remaining hash
        // still matches, so only the anchor recorded outside the database shows it.
        var version = await BaladVersionAsync();
        (await SqlAsync($"""
            delete from {Schema}.mt_events where stream_id = @s and version = @v;
            update {Schema}.mt_streams set version = version - 1 where id = @s;
            """, ("s", Requests.Balad), ("v", (int)version))).ShouldBe(2);

        var after = await VerifyAsync(anchor.Sequence);

        after.Intact.ShouldBeTrue();
        after.Anchor.Sequence.ShouldBe(anchor.Sequence);
        after.Anchor.Digest.ShouldNotBe(anchor.Digest);
    }

    [Fact]
    public async Task events_written_before_hashing_began_are_unchained_not_tampered()
    {
        await ResetWithoutTheTriggerAsync(async () =>
        {
            await Host.Alba.RegisterBaladAsync();
            await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(), 201);
        });
        // After the upgrade, the stream carries on: its first hashed event chains from nothing.
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody().With("occurredAt", "2021-02-19T17:30:00Z"), 201);
        await Host.WaitForQuietAsync();

        var verification = await VerifyAsync();

        verification.Problems.ShouldBeEmpty();
        verification.Unchained.ShouldBeGreaterThanOrEqualTo(2);
        verification.Chained.ShouldBeGreaterThanOrEqualTo(1);
        (verification.Chained + verification.Unchained).ShouldBe(verification.Events);
    }

    [Fact]
    public async Task an_old_shape_of_an_event_is_hashed_as_stored_and_verifies_though_it_is_read_upcast()
    {
        var firstShape = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["baseId"] = Requests.Balad, ["incidentId"] = Guid.NewGuid(), ["occurredAt"] = "2021-02-18T17:30:00Z", ["rounds"] = 2,
            ["impact"] = "open-area", ["killed"] = 0, ["injured"] = 0, ["claimedBy"] = "Awliya al-Dam", ["source"] = "AP", ["confidence"] = "probable",
        });
        (await SqlAsync($"""
            insert into {Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            select nextval('{Schema}.mt_events_sequence'), gen_random_uuid(), id, version + 1, @data::jsonb, 'rocket_attack_occurred', now(), tenant_id,
                   'Posture.Domain.Bases.RocketAttackOccurred, Posture.Domain', false
            from {Schema}.mt_streams where id = @s;
            update {Schema}.mt_streams set version = version + 1 where id = @s;
            """, ("s", Requests.Balad), ("data", firstShape))).ShouldBe(2);

        await using (var session = Host.Store.QuerySession())
        {
            var events = await session.Events.FetchStreamAsync(Requests.Balad);
            events[^1].Data.ShouldBeOfType<RocketAttackOccurred>().Report.AttributedTo.ShouldBe("Awliya al-Dam");
        }

        var verification = await VerifyAsync();

        verification.Problems.ShouldBeEmpty();
        verification.Unchained.ShouldBe(0);
    }

    [Fact]
    public async Task many_appends_racing_on_one_stream_never_fork_the_chain()
    {
        const int Writers = 24;
        // Every writer reads the stream's version and then waits at the gate, so all of them append on the same one.
        var gate = new StartingGate(Writers);
        var attempts = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(() => AppendUntilItLandsAsync(i, gate))));

        attempts.Max().ShouldBeGreaterThan(1, "the writers never collided, so this proves nothing");
        var verification = await VerifyAsync();
        verification.Problems.ShouldBeEmpty();
        (await BaladVersionAsync()).ShouldBe(4 + Writers);
        verification.Heads.Single(h => h.StreamId == Requests.Balad).Version.ShouldBe(4 + Writers);
    }

    /// <summary>
    /// Appends one fact to Balad as Marten's optimistic writers do (the version read first is expected on append),
    /// retrying on the fresh version when another writer got there first; answers how many attempts it took.
    /// </summary>
    private async Task<int> AppendUntilItLandsAsync(int writer, StartingGate gate)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = Host.Store.LightweightSession();
            session.LastModifiedBy = $"writer-{writer}";
            var stream = await session.Events.FetchForWriting<Base>(Requests.Balad);
            stream.AppendOne(new ForceProtectionConditionSet(
                Requests.Balad, ForceProtectionCondition.Bravo, $"writer {writer}", PostureHost.Now + Duration.FromMinutes(writer)));
            if (attempt == 1)
            {
                await gate.ArriveAndWaitAsync(TimeSpan.FromSeconds(30));
            }

            try
            {
                await session.SaveChangesAsync();
                return attempt;
            }
            catch (Exception e) when (StorageConflicts.IsLostRace(e) && attempt < 500)
            {
                await Task.Delay(Random.Shared.Next(1, 5 + attempt));
            }
        }
    }

    [Fact]
    public async Task appends_racing_without_an_expected_version_never_fork_the_chain_either()
    {
        const int Writers = 16;
        var gate = new StartingGate(Writers);
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            await using var session = Host.Store.LightweightSession();
            session.Events.Append(Requests.Balad, new ForceProtectionConditionSet(
                Requests.Balad, ForceProtectionCondition.Charlie, $"writer {i}", PostureHost.Now + Duration.FromMinutes(i)));
            await gate.ArriveAndWaitAsync(TimeSpan.FromSeconds(30));
            try
            {
                await session.SaveChangesAsync();
            }
            catch (Exception e) when (StorageConflicts.IsLostRace(e) || e is Marten.Exceptions.MartenCommandException)
            {
                // Lost the version to another writer: nothing of this append is stored.
            }
        })));

        var verification = await VerifyAsync();

        verification.Problems.ShouldBeEmpty();
        verification.Heads.Single(h => h.StreamId == Requests.Balad).Version.ShouldBe(await BaladVersionAsync());
    }

    [Fact]
    public async Task the_trigger_is_part_of_martens_schema_and_comes_back_when_dropped()
    {
        var database = Host.Store.Storage.Database;
        (await database.CreateMigrationAsync()).Difference.ShouldBe(SchemaPatchDifference.None);

        await SqlAsync($"drop trigger posture_chain_events on {Schema}.mt_events");
        (await database.CreateMigrationAsync()).Difference.ShouldNotBe(SchemaPatchDifference.None);
        await Host.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody().With("occurredAt", "2021-02-19T17:30:00Z"), 201);
        var verification = await VerifyAsync();
        verification.Problems.ShouldBeEmpty();
        verification.Unchained.ShouldBe(0);
    }

    /// <summary>Empties the store and writes with the trigger switched off, as a Posture from before hashing did.</summary>
    private async Task ResetWithoutTheTriggerAsync(Func<Task> write)
    {
        await Host.ResetAsync();
        await SqlAsync($"alter table {Schema}.mt_events disable trigger posture_chain_events");
        try
        {
            await write();
            await Host.WaitForQuietAsync();
        }
        finally
        {
            await SqlAsync($"alter table {Schema}.mt_events enable trigger posture_chain_events");
        }
    }
}

internal static class RequestBodies
{
    public static Dictionary<string, object?> With(this Dictionary<string, object?> body, string field, object? value)
    {
        body[field] = value;
        return body;
    }
}

/// <summary>
/// Lets a number of writers go at once, awaiting rather than blocking a thread each: with a blocking barrier, two cores'
/// thread pool had to grow to one blocked thread per writer while their own database calls waited for threads too.
/// </summary>
internal sealed class StartingGate(int writers)
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public async Task ArriveAndWaitAsync(TimeSpan timeout)
    {
        if (Interlocked.Increment(ref _arrived) == writers)
        {
            _open.SetResult();
        }

        await _open.Task.WaitAsync(timeout);
    }
}
