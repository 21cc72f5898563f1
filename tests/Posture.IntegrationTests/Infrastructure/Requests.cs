using Alba;

namespace Posture.IntegrationTests.Infrastructure;

/// <summary>The seed story's places and attacks as HTTP bodies, so every test builds its preconditions the same way.</summary>
public static class Requests
{
    public static readonly Guid Balad = Guid.Parse("0b1ad000-0000-4000-8000-000000000001");

    public static object BaladBody(Guid? id = null) => new
    {
        id = id ?? Balad,
        name = "Balad Air Base",
        country = "Iraq",
        region = "Salah al-Din",
        latitude = 33.9333,
        longitude = 44.3667,
    };

    /// <summary>
    /// The 20 February 2021 attack: at least four rockets, open area near the perimeter, one contractor injured; under
    /// <paramref name="incidentId"/> when given (otherwise the server names it).
    /// </summary>
    public static Dictionary<string, object?> SeedAttackBody(Guid? incidentId = null)
    {
        var body = SeedAttackReport();
        if (incidentId is { } id)
        {
            body["incidentId"] = id;
        }

        return body;
    }

    private static Dictionary<string, object?> SeedAttackReport() => new()
    {
        ["kind"] = "rocket",
        ["occurredAt"] = "2021-02-20T17:30:00Z",
        ["rounds"] = 4,
        ["impact"] = "perimeter",
        ["killed"] = 0,
        ["injured"] = 1,
        ["casualtiesAffiliation"] = "contractor",
        ["claimedBy"] = null,
        ["source"] = "Iraqi military statement",
        ["confidence"] = "confirmed",
    };

    public static async Task RegisterBaladAsync(this IAlbaHost host) =>
        await host.Scenario(s =>
        {
            s.Post.Json(BaladBody()).ToUrl("/api/bases");
            s.StatusCodeShouldBe(201);
        });
}
