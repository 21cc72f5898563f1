using Microsoft.AspNetCore.Mvc;
using Posture.Domain.Bases;

namespace Posture.Api.Bases;

/// <summary>The body of <c>POST /api/bases</c>. Numbers are nullable so a missing one is named, not read as 0.</summary>
public sealed record RegisterBaseRequest(Guid? Id, string? Name, string? Country, string? Region, double? Latitude, double? Longitude);

public static class RegisterBaseEndpoint
{
    [ProducesResponseType<Created>(201)]
    [WolverinePost("/api/bases")]
    [Requires(Role.Officer)]
    public static async Task<IResult> Post(RegisterBaseRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(("latitude", request.Latitude), ("longitude", request.Longitude)) is { } missing)
        {
            return missing;
        }

        var command = new RegisterBase(
            request.Id ?? HttpCaller.NewId(http, "base"), request.Name ?? "", request.Country ?? "", request.Region ?? "", request.Latitude!.Value, request.Longitude!.Value);
        var outcome = await bus.SendAsync(http, command).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Created($"/api/sites/{ok.StreamId}", new Created(ok.StreamId, ok.Version)));
    }
}
