using Marten;
using NodaTime;
using NodaTime.Text;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// Recorded-at comes from the PostgreSQL server's clock, which tests cannot set: they read it back from the store
/// after each step and use what they read as a <c>knownAt</c>.
/// </summary>
public static class RecordedAt
{
    /// <summary>When the last event of a stream was recorded, as the ISO-8601 text a query string carries.</summary>
    public static async Task<string> LastOfAsync(this PostureHost host, Guid streamId)
    {
        ArgumentNullException.ThrowIfNull(host);
        await using var session = host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(streamId);
        return InstantPattern.ExtendedIso.Format(Instant.FromDateTimeOffset(events[^1].Timestamp));
    }
}
