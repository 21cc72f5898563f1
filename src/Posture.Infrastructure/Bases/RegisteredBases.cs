using Marten;
using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Sites;
using Posture.Infrastructure.Bus;
using Wolverine;

namespace Posture.Infrastructure.Bases;

/// <summary>
/// Whether the sites a command names are registered: a registered base has a <see cref="SitePosture"/> document,
/// written in the same transaction as its <c>BaseRegistered</c>. Handlers ask here and pass the answer to the pure
/// decider (ADR 0010). Bases are never deleted, so a site found here stays known.
/// </summary>
public static class RegisteredBases
{
    public static async Task<bool> IsRegisteredAsync(this IQuerySession session, Guid baseId, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.LoadAsync<SitePosture>(baseId, cancellation).ConfigureAwait(false) is not null;
    }

    /// <summary>Those of <paramref name="baseIds"/> that are registered, looked up in one round trip.</summary>
    public static async Task<IReadOnlySet<Guid>> RegisteredAmongAsync(
        this IQuerySession session, IEnumerable<Guid>? baseIds, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var distinct = (baseIds ?? []).Distinct().ToArray();
        if (distinct.Length == 0)
        {
            return new HashSet<Guid>();
        }

        var sites = await session.LoadManyAsync<SitePosture>(cancellation, distinct).ConfigureAwait(false);
        return sites.Select(site => site.Id).ToHashSet();
    }

    /// <summary>
    /// <see cref="StreamDecisions.DecideAsync{T}(IDocumentSession, Guid, IMessageContext, IClock, Func{T, Instant, Decision}, CancellationToken)"/> for a command that names one site: whether the site is registered
    /// is looked up first and given to <paramref name="decide"/> as its third argument.
    /// </summary>
    public static async Task<CommandOutcome> DecideAtSiteAsync<T>(
        this IDocumentSession session, Guid streamId, Guid baseId, IMessageContext context, IClock clock,
        Func<T?, Instant, bool, Decision> decide, CancellationToken cancellation)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(decide);
        var siteKnown = await session.IsRegisteredAsync(baseId, cancellation).ConfigureAwait(false);
        return await session.DecideAsync<T>(streamId, context, clock, (state, now) => decide(state, now, siteKnown), cancellation)
            .ConfigureAwait(false);
    }
}
