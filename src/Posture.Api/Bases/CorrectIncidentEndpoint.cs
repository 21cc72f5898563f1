using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Posture.Domain.Bases;

namespace Posture.Api.Bases;

/// <summary>
/// The body of <c>POST /api/bases/{baseId}/incidents/{incidentId}/corrections</c>: the fields that were wrong, with
/// their right values, and why. Fields left out keep what the report said.
/// </summary>
public sealed record CorrectIncidentRequest(
    Instant? OccurredAt,
    TimePrecision? Precision,
    int? Rounds,
    Impact? Impact,
    int? Killed,
    int? Injured,
    Affiliation? CasualtiesAffiliation,
    string? ClaimedBy,
    string? SuspectedGroup,
    string? Source,
    Confidence? Confidence,
    string? Notes,
    string? Reason);

public static class CorrectIncidentEndpoint
{
    [ProducesResponseType<IncidentChanged>(200)]
    [WolverinePost("/api/bases/{baseId}/incidents/{incidentId}/corrections")]
    [Requires(Role.Reporter)]
    public static async Task<IResult> Post(Guid baseId, Guid incidentId, CorrectIncidentRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (AttributionFields.Read(request.ClaimedBy, request.SuspectedGroup) is not { } attributed)
        {
            return AttributionFields.BothGiven;
        }

        var changes = new IncidentChanges(
            request.OccurredAt, request.Precision, request.Rounds, request.Impact, request.Killed, request.Injured, request.CasualtiesAffiliation,
            attributed.Attribution, attributed.Group, request.Source, request.Confidence, request.Notes);
        var command = new CorrectIncident(baseId, incidentId, changes, request.Reason ?? "");
        var outcome = await bus.SendAsync(http, command).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Ok(new IncidentChanged(baseId, incidentId, ok.Version)));
    }
}
