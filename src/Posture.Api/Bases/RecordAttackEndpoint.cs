using NodaTime;
using Posture.Api.Http;
using Posture.Domain.Bases;
using Posture.Infrastructure.Bus;
using Wolverine;
using Wolverine.Http;

namespace Posture.Api.Bases;

/// <summary>The body of <c>POST /api/bases/{baseId}/attacks</c>, as in DESIGN.md's contract.</summary>
public sealed record RecordAttackRequest(
    string? Kind,
    Guid? IncidentId,
    Instant? OccurredAt,
    int? Rounds,
    Impact? Impact,
    int? Killed,
    int? Injured,
    Affiliation? CasualtiesAffiliation,
    string? ClaimedBy,
    string? Source,
    Confidence? Confidence,
    string? Notes);

public static class RecordAttackEndpoint
{
    [WolverinePost("/api/bases/{baseId}/attacks")]
    public static async Task<IResult> Post(Guid baseId, RecordAttackRequest request, IMessageBus bus)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(
                ("occurredAt", request.OccurredAt), ("rounds", request.Rounds), ("impact", request.Impact), ("confidence", request.Confidence))
            is { } missing)
        {
            return missing;
        }

        if (request.Kind is not (null or "rocket"))
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["kind"] = [$"'{request.Kind}' is not a kind Posture records yet; this version records 'rocket'"] },
                title: "The command is not valid");
        }

        var command = new RecordRocketAttack(
            baseId,
            request.IncidentId ?? Guid.NewGuid(),
            request.OccurredAt!.Value,
            request.Rounds!.Value,
            request.Impact!.Value,
            request.Killed ?? 0,
            request.Injured ?? 0,
            request.CasualtiesAffiliation,
            request.ClaimedBy,
            request.Source ?? "",
            request.Confidence!.Value,
            request.Notes);
        var outcome = await bus.InvokeAsync<CommandOutcome>(command).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Created(
            $"/api/sites/{baseId}",
            new { baseId, incidentId = command.IncidentId, version = ok.Version }));
    }
}
