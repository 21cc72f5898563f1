using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Domain.Threats;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

public sealed record ThreatPoint(Instant At, ThreatLevel Level, double Score);

public sealed record LevelChange(Instant At, ThreatLevel From, ThreatLevel To);

public sealed record HeadcountPoint(Instant At, int Contractors, int Mission, int Total);

/// <summary><c>GET /api/sites/{id}/timeline</c>: how a site's threat and headcount changed between two instants, for plots.</summary>
public sealed record SiteTimeline(
    Guid SiteId, Instant From, Instant To, int StepHours, IReadOnlyList<ThreatPoint> Threat, IReadOnlyList<LevelChange> LevelChanges,
    IReadOnlyList<HeadcountPoint> Headcount);

/// <summary>
/// The threat is sampled every <c>stepHours</c> (default 24) from <c>from</c> (default: the site's first incident or
/// movement of people) to <c>to</c> (default now), and at each incident in between; the headcount is given after each
/// change. At most 5,000 threat points (samples and incidents) and 5,000 headcount points: a longer timeline is a 400
/// that asks for a longer step or a shorter span.
/// </summary>
public static class GetSiteTimeline
{
    public const int MaxSamples = 5000;

    [ProducesResponseType<SiteTimeline>(200)]

    [WolverineGet("/api/sites/{id}/timeline")]

    [Requires(Role.Viewer)]
    public static async Task<IResult> Get(
        Guid id, string? from, string? to, string? stepHours, IQuerySession session, SiteReader reader, IClock clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(clock);
        var query = new QueryParameters();
        var since = query.Instant(from, "from");
        var until = query.Instant(to, "to") ?? clock.GetCurrentInstant();
        var step = query.WholeNumber(stepHours, "stepHours", 24, 1, 24 * 366);
        if (query.Problem is { } problem)
        {
            return problem;
        }

        var snapshot = await reader.AroundAsync(session, id, cancellation).ConfigureAwait(false);
        if (snapshot?.Site(id) is not { } site)
        {
            return SiteProblems.Unknown(id);
        }

        var incidentTimes = snapshot.IncidentsAt(id).Select(i => i.OccurredAt).ToList();
        // Thirty days before "to", but never before the first instant NodaTime has.
        var monthBefore = until < Instant.MinValue + Duration.FromDays(30) ? Instant.MinValue : until - Duration.FromDays(30);
        var start = since ?? incidentTimes.Concat(site.PeopleChanges.Select(c => c.At)).DefaultIfEmpty(monthBefore).Min();
        if (start > until)
        {
            return CommandResults.Invalid("from", "must not be after to");
        }

        var stepLength = Duration.FromHours(step);
        if ((until - start) / stepLength > MaxSamples)
        {
            return CommandResults.Invalid("stepHours", $"gives more than {MaxSamples} samples between from and to; take a longer step");
        }

        var instants = Samples(start, until, stepLength).Concat(incidentTimes.Where(t => t >= start && t <= until)).Distinct().Order().ToList();
        var peopleChanges = site.PeopleChanges.Select(c => c.At).Append(start).Where(t => t >= start && t <= until).Distinct().Order().ToList();
        if (instants.Count > MaxSamples || peopleChanges.Count > MaxSamples)
        {
            return CommandResults.Invalid("from", $"gives more than {MaxSamples} points between from and to (incidents or movements of people); ask for a shorter span");
        }

        var threat = instants.Select(at => snapshot.Threat(id, at)).Select(t => new ThreatPoint(t.At, t.Level, Math.Round(t.Score, 4))).ToList();
        var changes = threat.Zip(threat.Skip(1)).Where(p => p.First.Level != p.Second.Level)
            .Select(p => new LevelChange(p.Second.At, p.First.Level, p.Second.Level)).ToList();
        var headcount = peopleChanges
            .Select(at => (At: at, People: snapshot.Headcount(site, at)))
            .Select(p => new HeadcountPoint(p.At, p.People.Contractors, p.People.Mission, p.People.Total)).ToList();
        return Results.Ok(new SiteTimeline(id, start, until, step, threat, changes, headcount));
    }

    /// <summary>From, every step up to to, and to; counted, so a step past the last instant NodaTime has is never taken.</summary>
    private static IEnumerable<Instant> Samples(Instant from, Instant to, Duration step)
    {
        var steps = (long)Math.Floor((to - from) / step);
        for (var i = 0L; i <= steps; i++)
        {
            yield return from + step * i;
        }

        yield return to;
    }
}
