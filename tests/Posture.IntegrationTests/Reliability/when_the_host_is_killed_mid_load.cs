using System.Diagnostics;
using System.Globalization;
using Marten;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Reliability;

[CollectionDefinition(Name)]
public sealed class HostKilledCollection
{
    public const string Name = "slow: host killed mid-load";
}

/// <summary>
/// The HTTP host runs as its own process; four clients write attacks and deployments with Idempotency-Keys; the
/// process is killed with SIGKILL mid-load and started again on the same database. Nothing acknowledged is lost or
/// doubled, nothing unacknowledged is half-written, the outbox delivers the threat re-evaluations the dead process
/// left behind, and the read models equal a fold of the whole history.
/// </summary>
[Collection(HostKilledCollection.Name)]
[Trait("Category", "Slow")]
public sealed class when_the_host_is_killed_mid_load(TestPostgres postgres, ITestOutputHelper output)
{
    private const int Clients = 4;
    private const int CommandsPerClient = 40;
    private const int KillAfterAcknowledged = 60;

    [Fact]
    public async Task every_acknowledged_command_survives_exactly_once_and_none_is_half_written()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync("posture_crash");
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));

        CommandLoad load;
        var tally = new AnswerTally();
        var sent = 0;
        var acknowledgedSoFar = 0;
        var pendingAtKill = 0L;
        var clock = Stopwatch.StartNew();
        TimeSpan firstStart;
        await using (var first = await PostureProcess.StartAsync(connectionString, cancellation))
        {
            firstStart = clock.Elapsed;
            load = await CommandLoad.PrepareAsync(first.Client, Clients, CommandsPerClient, cancellation);
            var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var clients = load.Plans.Select(plan => Task.Run(async () =>
            {
                foreach (var record in plan)
                {
                    Interlocked.Increment(ref sent);
                    record.Attempts++;
                    var answer = await CommandLoad.SendAsync(first.Client, record.Command, cancellation);
                    tally.Add(answer, record.Command);
                    if (answer.Kind == AnswerKind.NoAnswer)
                    {
                        // The server is gone: this client stops, as one whose request failed would until it came back.
                        return;
                    }

                    record.Acknowledged = answer.Kind == AnswerKind.Acknowledged;
                    if (record.Acknowledged && Interlocked.Increment(ref acknowledgedSoFar) >= KillAfterAcknowledged)
                    {
                        enoughAcknowledged.TrySetResult();
                    }
                }
            }, cancellation)).ToList();

            // Mid-load, with commands in flight on every client, and (as far as the test can time it) while cascaded
            // threat re-evaluations are stored in the outbox but not yet handled.
            await enoughAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellation);
            var waitingForBacklog = Stopwatch.StartNew();
            while (pendingAtKill == 0 && waitingForBacklog.Elapsed < TimeSpan.FromSeconds(10))
            {
                pendingAtKill = await CommandLoad.PendingMessagesAsync(store, cancellation);
            }

            await first.KillAsync();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30), cancellation);
        }

        // While nothing runs: each command is whole or absent, and what the dead process left to deliver is counted.
        var afterKill = await load.ReadStoredAsync(store, cancellation);
        var leftUndelivered = await CommandLoad.PendingMessagesAsync(store, cancellation);
        var acknowledged = load.All.Where(r => r.Acknowledged).ToList();
        var unacknowledged = load.All.Where(r => r.Attempts > 0 && !r.Acknowledged).ToList();
        var halfWritten = afterKill.Where(s => !s.Value.Whole).Select(s => $"{s.Key.Command}: {s.Value}").ToList();
        var lost = acknowledged.Count(r => afterKill[r].Events == 0);
        var landedUnacknowledged = unacknowledged.Count(r => afterKill[r].Events == 1);

        var restartedAt = clock.Elapsed;
        await using var second = await PostureProcess.StartAsync(connectionString, cancellation);
        var secondStart = clock.Elapsed - restartedAt;
        var delivery = await CommandLoad.WaitForDeliveryAsync(store, TimeSpan.FromSeconds(45), cancellation);

        // The clients retry what was not acknowledged, under the same keys: exactly one copy of each.
        var retryTally = new AnswerTally();
        foreach (var record in unacknowledged)
        {
            record.Attempts++;
            var answer = await CommandLoad.SendAsync(second.Client, record.Command, cancellation);
            retryTally.Add(answer, record.Command);
            record.Acknowledged = answer.Kind == AnswerKind.Acknowledged;
            record.Replayed = answer.Replayed;
        }

        await CommandLoad.WaitForDeliveryAsync(store, TimeSpan.FromSeconds(30), cancellation);
        var final = await load.ReadStoredAsync(store, cancellation);
        var attempted = load.All.Where(r => r.Attempts > 0).ToList();
        var duplicated = attempted.Count(r => final[r].Events > 1);
        var missing = attempted.Count(r => final[r].Events == 0);
        var levels = await load.ThreatLevelsAsync(store, second.Client, cancellation);
        var projections = await CommandLoad.VerifyProjectionsAsync(second.Client, cancellation);
        var deadLetters = await CommandLoad.DeadLettersAsync(store, cancellation);
        var chain = await ChainVerifier.VerifyAsync(store, anchorSequence: null, keepHeads: false, progress: null, cancellation);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            SIGKILL mid-load ({Clients} clients, killed after {KillAfterAcknowledged} acknowledgements):
              sent {sent}, acknowledged {acknowledged.Count}, unacknowledged {unacknowledged.Count} (of which {landedUnacknowledged} had landed whole)
              after the kill: found {afterKill.Count(s => s.Value.Events > 0)}, lost {lost}, duplicated {afterKill.Count(s => s.Value.Events > 1)}, half-written {halfWritten.Count}
              cascaded messages stored but not handled: {pendingAtKill} seen just before the kill, {leftUndelivered} left by the dead process; all delivered {delivery.TotalSeconds:0.0} s after the restart
              retried under the same key after the restart: {unacknowledged.Count} ({unacknowledged.Count(r => r.Replayed)} answered as replays), acknowledged {retryTally.Acknowledged}
              final: commands {attempted.Count}, found {attempted.Count - missing}, lost {missing}, duplicated {duplicated}, dead letters {deadLetters.Count}
              threat levels recorded/computed: {string.Join(", ", levels.Select(l => $"{l.Recorded}/{l.Computed}"))}
              read models equal a full fold of the history: {projections.Identical}; hash chain intact over {chain.Events} events: {chain.Intact}
              host started in {firstStart.TotalSeconds:0.0} s, restarted in {secondStart.TotalSeconds:0.0} s; whole test {clock.Elapsed.TotalSeconds:0.0} s
            """));

        halfWritten.ShouldBeEmpty();
        lost.ShouldBe(0);
        tally.Unexpected.ShouldBeEmpty();
        retryTally.Unexpected.ShouldBeEmpty();
        retryTally.Acknowledged.ShouldBe(unacknowledged.Count, second.Tail);
        unacknowledged.Where(r => afterKill[r].Events == 1).ShouldAllBe(r => r.Replayed);
        duplicated.ShouldBe(0);
        missing.ShouldBe(0);
        final.Values.ShouldAllBe(s => s.Events == 0 || s.Whole);
        deadLetters.ShouldBeEmpty();
        levels.ShouldAllBe(l => l.Recorded == l.Computed);
        levels.ShouldContain(l => l.Recorded != "low", "the load should move some site's threat, or the check of the cascades proves nothing");
        projections.Identical.ShouldBeTrue(projections.Report);
        chain.Intact.ShouldBeTrue(string.Join("; ", chain.Problems));
    }
}
