using System.Diagnostics;
using System.Text.Json;
using Alba;
using NodaTime.Testing;
using Npgsql;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Storage;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Limits;

/// <summary>A host that gives up on a read after half a second, of its own so no other test is cut short.</summary>
public sealed class ImpatientHost(TestPostgres postgres) : IAsyncLifetime
{
    public IAlbaHost Alba { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Alba = await PostureHost.StartAsync(postgres, new FakeClock(PostureHost.Now), "--Posture:Limits:ReadTimeoutSeconds=0.5");

    public async ValueTask DisposeAsync() => await Alba.DisposeAsync();
}

/// <summary>
/// A read cannot hold the service (OWASP API4): one still running after the read timeout is abandoned, its query
/// cancelled in PostgreSQL, and answered 503 as ProblemDetails with a Retry-After.
/// </summary>
public sealed class when_a_read_takes_too_long(ImpatientHost host) : IClassFixture<ImpatientHost>
{
    [Fact]
    public async Task a_read_blocked_in_the_database_is_a_503_problem_and_the_next_one_succeeds()
    {
        // A first read of a cold host compiles and prepares what it runs; on a loaded machine that alone can pass the
        // half second (and be abandoned), so it is paid, until one read succeeds, before the read that must time out
        // and the one that must not.
        for (var warming = 0; warming < 10; warming++)
        {
            var warmed = await host.Alba.Scenario(s =>
            {
                s.Get.Url("/api/sites");
                s.IgnoreStatusCode();
            });
            if (warmed.Context.Response.StatusCode == 200)
            {
                break;
            }
        }

        var connectionString = host.Alba.Services.GetRequiredService<PostureDatabase>().ConnectionString;
        await using (var blocker = new NpgsqlConnection(connectionString))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            // Another session holds the site table: the read waits on the lock, as behind a long migration or a stuck query.
            await using (var lockTable = new NpgsqlCommand($"lock table {PostureStore.Schema}.mt_doc_siteposture in access exclusive mode", blocker, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            var clock = Stopwatch.StartNew();
            var refused = await host.Alba.Scenario(s =>
            {
                s.Get.Url("/api/sites");
                s.StatusCodeShouldBe(503);
                s.ContentTypeShouldBe("application/problem+json");
            });
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
            (await refused.ReadAsJsonAsync<JsonElement>()).GetProperty("title").GetString().ShouldBe("The read took too long");
            refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("5");

            // The abandoned query was cancelled in PostgreSQL, not left waiting on the lock (the cancel request travels
            // on a connection of its own, so it is given a few seconds to arrive).
            await using var waiting = new NpgsqlCommand(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()", blocker, transaction);
            var stillWaiting = -1L;
            for (var attempt = 0; attempt < 50 && stillWaiting != 0; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(100);
                }

                stillWaiting = Convert.ToInt64(await waiting.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            }

            stillWaiting.ShouldBe(0);
            await transaction.RollbackAsync();
        }

        await host.Alba.Scenario(s =>
        {
            s.Get.Url("/api/sites");
            s.StatusCodeShouldBe(200);
        });
    }
}
