using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Posture.Domain.Common;

/// <summary>
/// The checks a command on an existing stream makes before its business rules, in this order: its own fields (every
/// bad one named at once), then that its stream exists, then that the site it names is registered. Sites live in
/// their own streams, so the handler looks the site up and passes the answer in; the decision stays pure.
/// </summary>
public static class CommandChecks
{
    /// <summary>The fields of a command that moves people at a site: how many (at least one) and when (not in the future).</summary>
    public static FieldChecks Movement(int count, Instant at, Instant now) =>
        new FieldChecks().People(count, "count").NotAfter(at, now, "at");

    public static bool Refuse<TState>(
        FieldChecks fields,
        [NotNullWhen(false)] TState? state,
        string whenMissing,
        [NotNullWhen(true)] out Rejection? rejection)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Any)
        {
            rejection = fields.ToRejection();
            return true;
        }

        if (state is null)
        {
            rejection = Rejection.NotFound(whenMissing);
            return true;
        }

        rejection = null;
        return false;
    }

    public static bool Refuse<TState>(
        FieldChecks fields,
        [NotNullWhen(false)] TState? state,
        string whenMissing,
        Guid baseId,
        bool siteKnown,
        [NotNullWhen(true)] out Rejection? rejection)
        where TState : class
    {
        if (Refuse(fields, state, whenMissing, out rejection))
        {
            return true;
        }

        if (!siteKnown)
        {
            rejection = UnknownSite(baseId);
            return true;
        }

        return false;
    }

    public static Rejection UnknownSite(Guid baseId) => UnknownSites([baseId]);

    public static Rejection UnknownSites(IReadOnlyList<Guid> baseIds)
    {
        ArgumentNullException.ThrowIfNull(baseIds);
        return Rejection.NotFound(baseIds.Count == 1
            ? $"no base with id {baseIds[0]} is registered"
            : $"no bases with ids {string.Join(", ", baseIds)} are registered");
    }
}
