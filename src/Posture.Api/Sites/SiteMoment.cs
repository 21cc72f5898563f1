using Marten;
using NodaTime;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

/// <summary>
/// The moment a site query asks about, from its parameters: <c>at</c> (the world at an instant, by the read models),
/// <c>asOf</c> (the same instant computed from history), <c>knownAt</c> (only what had been recorded by then; alone
/// it also sets the instant). With <c>asOf</c> or <c>knownAt</c> the answer is folded from the events themselves.
/// </summary>
public sealed record SiteMoment(Instant At, Instant? KnownAt, bool FromHistory)
{
    /// <summary>Reads the parameters into <paramref name="query"/>; null when one of them is bad (its problem is in the query).</summary>
    public static SiteMoment? Read(QueryParameters query, string? at, string? asOf, string? knownAt, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(clock);
        var atInstant = query.Instant(at, "at");
        var asOfInstant = query.Instant(asOf, "asOf");
        var knownAtInstant = query.Instant(knownAt, "knownAt");
        query.Require(atInstant is null || asOfInstant is null, "asOf", "give at or asOf, not both");
        if (query.Problem is not null)
        {
            return null;
        }

        var fromHistory = asOfInstant is not null || knownAtInstant is not null;
        return new SiteMoment(asOfInstant ?? atInstant ?? knownAtInstant ?? clock.GetCurrentInstant(), knownAtInstant, fromHistory);
    }

    /// <summary>The site and its neighbours as this moment sees them; null when the site is unknown (or was not yet recorded by <see cref="KnownAt"/>).</summary>
    public Task<SiteSnapshot?> SnapshotAsync(IQuerySession session, Guid id, SiteReader reader, HistoryReader history, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(history);
        return FromHistory ? history.AroundAsync(session, id, KnownAt, cancellation) : reader.AroundAsync(session, id, cancellation);
    }
}
