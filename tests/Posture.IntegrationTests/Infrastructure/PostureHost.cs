using Alba;
using Marten;
using NodaTime;
using NodaTime.Testing;
using Posture.Api;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Storage;

namespace Posture.IntegrationTests.Infrastructure;

/// <summary>
/// The real HTTP host (built exactly as Program.cs builds it) on a database of its own, shared by every test in the
/// <see cref="PostureCollection"/>. Time is a <see cref="FakeClock"/> set to the morning after the seed story's attack.
/// </summary>
public sealed class PostureHost(TestPostgres postgres) : IAsyncLifetime
{
    public static readonly Instant Now = Instant.FromUtc(2021, 2, 21, 9, 0);

    public FakeClock Clock { get; } = new(Now);

    public IAlbaHost Alba { get; private set; } = null!;

    public IDocumentStore Store => Alba.Services.GetRequiredService<IDocumentStore>();

    public async ValueTask InitializeAsync() => Alba = await StartAsync(postgres, Clock);

    /// <summary>The real host on a fresh database, with any settings a test collection needs on top.</summary>
    public static async Task<IAlbaHost> StartAsync(TestPostgres postgres, FakeClock clock, params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(postgres);
        var connectionString = await postgres.CreateDatabaseAsync("posture_it");
        // The scheduled sweep runs on wall-clock time; tests send ReassessThreat themselves when they move the clock.
        // The suite's callers write far faster than any person: the write limit is lifted unless a test sets it.
        // Tokens are real and checked (a key made for this run); every request carries one holding every role
        // unless the test names its caller with TestTokens.As.
        var builder = await PostureApi.CreateBuilderAsync(
            ["--Posture:Threat:ReassessEveryMinutes=0", "--Posture:Limits:WritesPerMinute=1000000", $"--Posture:Auth:SigningKey={TestTokens.SigningKey}", .. settings],
            PostureDatabase.ForConnectionString(connectionString), clock);
        var host = await AlbaHost.For(builder, PostureApi.MapPosture);
        host.BeforeEach(http => http.Request.Headers.Authorization = $"Bearer {TestTokens.For(TestTokens.DefaultUser, clock)}");
        return host;
    }

    /// <summary>
    /// Every test starts from empty tables and the same instant, after the messages earlier tests cascaded (threat
    /// re-evaluations, alerts) have been handled, so none lands in the next test's data.
    /// </summary>
    public async Task ResetAsync()
    {
        await WaitForQuietAsync();
        Clock.Reset(Now);
        await Alba.ResetAllMartenDataAsync();
    }

    /// <summary>Waits until Wolverine's durable inbox and outbox are empty (at most ten seconds).</summary>
    public async Task WaitForQuietAsync()
    {
        await using var session = Store.QuerySession();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var pending = await session.QueryAsync<long>(
                $"select (select count(*) from {PostureStore.Schema}.wolverine_incoming_envelopes where status <> 'Handled') + (select count(*) from {PostureStore.Schema}.wolverine_outgoing_envelopes)");
            if (pending.Single() == 0)
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Events written by commands: what "nothing written" is about. Posture's own threat-level records, which follow
    /// a command asynchronously, are left out so the count does not depend on when they land.
    /// </summary>
    public async Task<long> EventCountAsync()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().Where(e => e.EventTypeName != "threat_level_changed").LongCountAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Alba is not null)
        {
            await Alba.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostureCollection : ICollectionFixture<PostureHost>
{
    public const string Name = "posture host";
}

/// <summary>A test class in the shared host's collection, starting from empty data.</summary>
[Collection(PostureCollection.Name)]
public abstract class PostureScenario(PostureHost host) : IAsyncLifetime
{
    protected PostureHost Host { get; } = host;

    public virtual async ValueTask InitializeAsync() => await Host.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
