using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Posture.Domain.Missions;

namespace Posture.Api.Missions;

/// <summary>The body of <c>POST /api/missions</c>: an organised deployment, its authorised strength and the sites it works from.</summary>
public sealed record LaunchMissionRequest(Guid? Id, string? Name, int? AuthorisedStrength, Instant? LaunchedAt, IReadOnlyList<Guid>? Locations);

public static class LaunchMissionEndpoint
{
    [ProducesResponseType<Created>(201)]
    [WolverinePost("/api/missions")]
    [Requires(Role.Officer)]
    public static async Task<IResult> Post(LaunchMissionRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(("authorisedStrength", request.AuthorisedStrength), ("launchedAt", request.LaunchedAt)) is { } missing)
        {
            return missing;
        }

        var command = new LaunchMission(
            request.Id ?? HttpCaller.NewId(http, "mission"), request.Name ?? "", request.AuthorisedStrength!.Value, request.Locations ?? [],
            request.LaunchedAt!.Value);
        return await CommandResults.SendAsync(bus, http, command, ok => Results.Created($"/api/missions/{ok.StreamId}", new Created(ok.StreamId, ok.Version))).ConfigureAwait(false);
    }
}
