using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Posture.Domain.Bases;

namespace Posture.Api.Bases;

/// <summary>
/// The body of <c>POST /api/bases/{baseId}/attacks</c>, as in DESIGN.md's contract. Attribution is
/// <c>claimedBy</c> (a group claimed it) or <c>suspectedGroup</c> (officials point at a group), or neither.
/// </summary>
public sealed record RecordAttackRequest(
    IncidentKind? Kind,
    Guid? IncidentId,
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
    string? Notes);

public static class RecordAttackEndpoint
{
    [ProducesResponseType<IncidentChanged>(201)]
    [WolverinePost("/api/bases/{baseId}/attacks")]
    [Requires(Role.Reporter)]
    public static async Task<IResult> Post(Guid baseId, RecordAttackRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(
                ("kind", request.Kind), ("occurredAt", request.OccurredAt), ("rounds", request.Rounds), ("impact", request.Impact),
                ("confidence", request.Confidence))
            is { } missing)
        {
            return missing;
        }

        if (AttributionFields.Read(request.ClaimedBy, request.SuspectedGroup) is not { } attributed)
        {
            return AttributionFields.BothGiven;
        }

        var report = new IncidentReport(
            request.OccurredAt!.Value,
            request.Precision ?? TimePrecision.Exact,
            request.Rounds!.Value,
            request.Impact!.Value,
            request.Killed ?? 0,
            request.Injured ?? 0,
            request.CasualtiesAffiliation,
            attributed.Attribution ?? Attribution.Unknown,
            attributed.Group,
            request.Source ?? "",
            request.Confidence!.Value,
            request.Notes);
        var command = new RecordIncident(baseId, request.IncidentId ?? HttpCaller.NewId(http, "incident"), request.Kind!.Value, report);
        var outcome = await bus.SendAsync(http, command).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Created(
            $"/api/sites/{baseId}",
            new IncidentChanged(baseId, command.IncidentId, ok.Version)));
    }
}

/// <summary>
/// How HTTP bodies name who is held responsible: <c>claimedBy</c> (a group claimed it) or <c>suspectedGroup</c>
/// (officials point at a group), never both; neither leaves the attribution as it is (unknown for a new report).
/// </summary>
public static class AttributionFields
{
    public static IResult BothGiven => CommandResults.Invalid("suspectedGroup", "give claimedBy or suspectedGroup, not both");

    /// <summary>The attribution the fields say, or null when both are given.</summary>
    public static (Attribution? Attribution, string? Group)? Read(string? claimedBy, string? suspectedGroup) =>
        (claimedBy, suspectedGroup) switch
        {
            ({ }, { }) => null,
            ({ } claimed, _) => (Attribution.Claimed, claimed),
            (_, { } suspected) => (Attribution.Suspected, suspected),
            _ => ((Attribution?)null, (string?)null),
        };
}
