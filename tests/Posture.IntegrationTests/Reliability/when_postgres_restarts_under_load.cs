using System.Diagnostics;
using System.Globalization;
using System.Net;
using Marten;
using Posture.Infrastructure.Audit;
using Npgsql;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Storage;

namespace Posture.IntegrationTests.Reliability;

[CollectionDefinition(Name)]
public sealed class PostgresRestartCollection
{
    public const string Name = "slow: PostgreSQL restarted under load";
}

/// <summary>
/// The HTTP host runs as its own process on a PostgreSQL server of this test's own (not the suite's shared one),
/// which is stopped mid-load and started again. While it is down every write and read answers 503 ProblemDetails
/// with Retry-After, quickly; the clients retry each unacknowledged command under its Idempotency-Key; afterwards
/// every command is recorded exactly once and the read models and threat levels are whole.
/// </summary>
[Collection(PostgresRestartCollection.Name)]
[Trait("Category", "Slow")]
public sealed class when_postgres_restarts_under_load(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 4;
    private const int CommandsPerClient = 30;
    private const int StopAfterAcknowledged = 30;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(6);

    /// <summary>A 503 must come at least this fast: Wolverine's retries of a transient error take about 2.6 s.</summary>
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(10);

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"posture-outage-{Guid.NewGuid():N}");
    private PrivatePostgres _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await PrivatePostgres.StartAsync(_root);
        await _server.EnsureDatabaseAsync(PostureDatabase.DatabaseName);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task commands_answer_503_while_it_is_down_and_all_land_once_after()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var connectionString = _server.ConnectionString(PostureDatabase.DatabaseName);
        var clock = Stopwatch.StartNew();
        await using var posture = await PostureProcess.StartAsync(connectionString, cancellation);
        var started = clock.Elapsed;
        var load = await CommandLoad.PrepareAsync(posture.Client, Clients, CommandsPerClient, cancellation);

        var tally = new AnswerTally();
        var acknowledged = 0;
        var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = load.Plans.Select(plan => Task.Run(async () =>
        {
            foreach (var record in plan)
            {
                // Each command is retried under its own key until acknowledged (bounded: about a minute at most).
                for (var attempt = 0; attempt < 200 && !record.Acknowledged; attempt++)
                {
                    record.Attempts++;
                    var answer = await CommandLoad.SendAsync(posture.Client, record.Command, cancellation);
                    tally.Add(answer, record.Command);
                    if (answer.Kind == AnswerKind.Acknowledged)
                    {
                        record.Acknowledged = true;
                        if (Interlocked.Increment(ref acknowledged) >= StopAfterAcknowledged)
                        {
                            enoughAcknowledged.TrySetResult();
                        }
                    }
                    else if (answer.Kind == AnswerKind.Other)
                    {
                        return;
                    }
                    else
                    {
                        await Task.Delay(250, cancellation);
                    }
                }
            }
        }, cancellation)).ToList();

        await enoughAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellation);
        await _server.StopAsync(cancellation);
        var stoppedAt = clock.Elapsed;

        // Reads answer 503 too, quickly, while the database is down.
        var read = Stopwatch.StartNew();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/sites"))
        {
            request.Headers.Add("X-Posture-User", "outage-reader");
            using var response = await posture.Client.SendAsync(request, cancellation);
            read.Stop();
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync(cancellation));
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            response.Headers.RetryAfter.ShouldNotBeNull();
        }

        var remaining = Outage - (clock.Elapsed - stoppedAt);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, cancellation);
        }

        var acknowledgedBeforeRestart = Volatile.Read(ref acknowledged);
        var unavailableWhileDown = tally.Unavailable;
        await _server.StartAgainAsync(cancellation);
        var down = clock.Elapsed - stoppedAt;
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(90), cancellation);
        var finished = clock.Elapsed;

        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        var delivery = await CommandLoad.WaitForDeliveryAsync(store, TimeSpan.FromSeconds(30), cancellation);
        var stored = await load.ReadStoredAsync(store, cancellation);
        var commands = load.All.ToList();
        var lost = commands.Count(r => stored[r].Events == 0);
        var duplicated = commands.Count(r => stored[r].Events > 1);
        var levels = await load.ThreatLevelsAsync(store, posture.Client, cancellation);
        var projections = await CommandLoad.VerifyProjectionsAsync(posture.Client, cancellation);
        var deadLetters = await CommandLoad.DeadLettersAsync(store, cancellation);
        var chain = await ChainVerifier.VerifyAsync(store, anchorSequence: null, keepHeads: false, progress: null, cancellation);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            PostgreSQL stopped for {down.TotalSeconds:0.0} s under load ({Clients} clients, stopped after {acknowledgedBeforeRestart} acknowledgements):
              commands {commands.Count}, attempts {commands.Sum(r => r.Attempts)}, acknowledged {commands.Count(r => r.Acknowledged)}
              answers: 2xx {tally.Acknowledged}, 503 {tally.Unavailable} ({unavailableWhileDown} before the restart; slowest {tally.SlowestUnavailable.TotalSeconds:0.0} s), no answer {tally.ConnectionFailures}, other {tally.Unexpected.Count}
              a read while down: 503 in {read.Elapsed.TotalSeconds:0.0} s
              found {commands.Count - lost}, lost {lost}, duplicated {duplicated}, half-written {stored.Values.Count(s => !s.Whole)}, dead letters {deadLetters.Count}
              cascaded messages all delivered {delivery.TotalSeconds:0.0} s after the clients finished
              threat levels recorded/computed: {string.Join(", ", levels.Select(l => $"{l.Recorded}/{l.Computed}"))}
              read models equal a full fold of the history: {projections.Identical}; hash chain intact over {chain.Events} events: {chain.Intact}
              host started in {started.TotalSeconds:0.0} s; clients finished at {finished.TotalSeconds:0.0} s
            """));

        tally.Unexpected.ShouldBeEmpty(posture.Tail);
        unavailableWhileDown.ShouldBeGreaterThan(0, "some commands should have met the database down");
        tally.SlowestUnavailable.ShouldBeLessThan(Quickly);
        read.Elapsed.ShouldBeLessThan(Quickly);
        commands.ShouldAllBe(r => r.Acknowledged);
        lost.ShouldBe(0);
        duplicated.ShouldBe(0);
        stored.Values.ShouldAllBe(s => s.Whole);
        deadLetters.ShouldBeEmpty();
        levels.ShouldAllBe(l => l.Recorded == l.Computed);
        projections.Identical.ShouldBeTrue(projections.Report);
        chain.Intact.ShouldBeTrue(string.Join("; ", chain.Problems));
    }
}
