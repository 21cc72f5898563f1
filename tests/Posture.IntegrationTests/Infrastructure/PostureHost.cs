using Alba;
using Marten;
using NodaTime;
using NodaTime.Testing;
using Posture.Api;
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

    public async ValueTask InitializeAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_it");
        var builder = await PostureApi.CreateBuilderAsync([], PostureDatabase.ForConnectionString(connectionString), Clock);
        Alba = await AlbaHost.For(builder, PostureApi.MapPosture);
    }

    /// <summary>Every test starts from empty tables and the same instant.</summary>
    public async Task ResetAsync()
    {
        Clock.Reset(Now);
        await Alba.ResetAllMartenDataAsync();
    }

    public async Task<long> EventCountAsync()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync();
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
