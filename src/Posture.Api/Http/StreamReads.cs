using Marten;

namespace Posture.Api.Http;

/// <summary>An aggregate read for a query: the event that began its stream, its state now, and the stream's version.</summary>
public sealed record Folded<TFirst, TState>(TFirst First, TState State, long Version);

/// <summary>Live reads of one aggregate's stream, folded by the domain's own fold (no stored read model needed).</summary>
public static class StreamReads
{
    /// <summary>Null when there is no such stream, or the stream is another aggregate's (it does not begin with <typeparamref name="TFirst"/>).</summary>
    public static async Task<Folded<TFirst, TState>?> FoldAsync<TFirst, TState>(
        this IQuerySession session, Guid id, Func<TState?, object, TState?> evolve, CancellationToken cancellation)
        where TFirst : class
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(evolve);
        var events = await session.Events.FetchStreamAsync(id, token: cancellation).ConfigureAwait(false);
        if (events is not [{ Data: TFirst first }, ..] || events.Aggregate((TState?)null, (state, e) => evolve(state, e.Data)) is not { } folded)
        {
            return null;
        }

        return new Folded<TFirst, TState>(first, folded, events[^1].Version);
    }
}
