using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Domain.Sites;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

/// <summary>
/// <c>POST /api/sites/{id}/reassessments</c>: evaluate a site's threat level (and its neighbours') now and record any
/// change of band, without waiting for the scheduled sweep. Answers the level the site is at now.
/// </summary>
public static class ReassessSiteEndpoint
{
    [ProducesResponseType<ThreatSummary>(200)]
    [WolverinePost("/api/sites/{id}/reassessments")]
    [Requires(Role.Officer)]
    public static async Task<IResult> Post(Guid id, IMessageBus bus, IQuerySession session, SiteReader reader, IClock clock, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(clock);
        if (await session.LoadAsync<SitePosture>(id, http.RequestAborted).ConfigureAwait(false) is null)
        {
            return SiteProblems.Unknown(id);
        }

        var options = new DeliveryOptions();
        options.Headers[Callers.Header] = HttpCaller.Name(http);
        await bus.InvokeAsync(new ReassessThreat([id], $"re-evaluation requested by {HttpCaller.Name(http)}"), options, http.RequestAborted).ConfigureAwait(false);
        var snapshot = await reader.AroundAsync(session, id, http.RequestAborted).ConfigureAwait(false);
        var threat = snapshot!.Threat(id, clock.GetCurrentInstant());
        return Results.Ok(new ThreatSummary(threat.Level, Math.Round(threat.Score, 4)));
    }
}
