using System.Text.Json;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Infrastructure.Json;

namespace Posture.Benchmarks;

/// <summary>What every measurement writes: RecordIncident reports, and their JSON as the raw rows' payload.</summary>
internal static class Workload
{
    /// <summary>Every report happened before this, so the domain never refuses one as in the future.</summary>
    private static readonly Instant Origin = Instant.FromUtc(2021, 1, 1, 0, 0);

    public static RecordIncident Incident(Guid baseId, int number) => new(
        baseId, Guid.NewGuid(), IncidentKind.Rocket,
        new IncidentReport(
            Origin + Duration.FromSeconds(number), TimePrecision.Hour, 3, Impact.Inside, 1, 9, Affiliation.Contractor,
            Attribution.Claimed, "Awliya al-Dam", "AP", Confidence.Confirmed, Notes));

    private const string Notes =
        "A foreign civilian contractor killed; wounded first reported as six, then nine. Three rockets, one inside the wire "
        + "near the coalition hangars, two short of the perimeter; the launch point was found 8 km to the west.";

    /// <summary>The same report as <see cref="Incident"/>, as the body of <c>POST /api/bases/{id}/attacks</c>.</summary>
    public static Dictionary<string, object?> AttackBody(int number) => new()
    {
        ["kind"] = "rocket",
        ["incidentId"] = Guid.NewGuid(),
        ["occurredAt"] = (Origin + Duration.FromSeconds(number)).ToString(),
        ["precision"] = "hour",
        ["rounds"] = 3,
        ["impact"] = "inside",
        ["killed"] = 1,
        ["injured"] = 9,
        ["casualtiesAffiliation"] = "contractor",
        ["claimedBy"] = "Awliya al-Dam",
        ["source"] = "AP",
        ["confidence"] = "confirmed",
        ["notes"] = Notes,
    };

    /// <summary>The JSON of a serialized RecordIncident, as the raw measurement's payload.</summary>
    public static string Payload { get; } = JsonSerializer.Serialize(Incident(Guid.NewGuid(), 0), PostureJson.Create());
}
