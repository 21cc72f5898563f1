using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

/// <summary>
/// <c>GET /api/sites/{id}/threat?at=</c> (or <c>asOf</c> / <c>knownAt</c>, see <see cref="SiteMoment"/>): the threat at an
/// instant and each incident's contribution to it.
/// </summary>
public static class GetSiteThreat
{
    [ProducesResponseType<ThreatExplanation>(200)]
    [WolverineGet("/api/sites/{id}/threat")]
    [Requires(Role.Viewer)]
    public static async Task<IResult> Get(
        Guid id, string? at, string? asOf, string? knownAt, string? halfLifeDays, string? nearbyRadiusKm, string? nearbyWeight,
        IQuerySession session, SiteReader reader, HistoryReader history, IClock clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var query = new QueryParameters();
        var moment = SiteMoment.Read(query, at, asOf, knownAt, clock);
        var whatIf = WhatIf.Read(query, reader.Options, halfLifeDays, nearbyRadiusKm, nearbyWeight);
        if (moment is null || query.Problem is not null)
        {
            return query.Problem!;
        }

        // A what-if re-scores with other constants: read through readers built on them, so the nearby radius picks
        // the neighbours too. Nothing is written.
        var options = whatIf ?? reader.Options;
        var snapshot = whatIf is null
            ? await moment.SnapshotAsync(session, id, reader, history, cancellation).ConfigureAwait(false)
            : await moment.SnapshotAsync(session, id, new SiteReader(whatIf), new HistoryReader(whatIf), cancellation).ConfigureAwait(false);
        if (snapshot?.Site(id) is null)
        {
            return SiteProblems.Unknown(id);
        }

        var threat = snapshot.Threat(id, moment.At);
        // Largest first: a site under years of fire still answers a bounded list, led by what matters most.
        return Results.Ok(new ThreatExplanation(
            id, moment.At, threat.Level, threat.Score, threat.ComputedLevel, threat.RecommendedFpcon, threat.Floor,
            [.. threat.Contributions.Take(Paging.MaxPageSize)])
        {
            KnownAt = moment.KnownAt,
            ContributionCount = threat.Contributions.Count,
            Options = new ScoringOptionsView(options.HalfLife.TotalDays, options.NearbyRadiusKm, options.NearbyWeight, whatIf is not null),
        });
    }
}
