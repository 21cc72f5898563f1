using NodaTime;
using Posture.Domain.Bases;

namespace Posture.Domain.Specs.Threats;

/// <summary>
/// The seed story's Base streams as the demo records them (src/Posture.Cli/Demo/seed-story.json), with Erbil's wounded
/// first reported as six and then corrected to nine, as AP reported them. Hours are illustrative; the rest is reported.
/// </summary>
internal static class SeedStory
{
    public static readonly Guid Balad = Guid.Parse("0b1ad000-0000-4000-8000-000000000001");
    public static readonly Guid Erbil = Guid.Parse("e4b11000-0000-4000-8000-000000000002");
    public static readonly Guid NatoHq = Guid.Parse("0a70b000-0000-4000-8000-000000000003");

    public static readonly Guid BaladJanuary2020 = Guid.Parse("20200112-0000-4000-8000-0000000ba1ad");
    public static readonly Guid ErbilFebruary2021 = Guid.Parse("20210215-0000-4000-8000-00000000e4b1");
    public static readonly Guid BaladFebruary2021 = Guid.Parse("20210220-0000-4000-8000-0000000ba1ad");

    /// <summary>Saturday 20 February 2021, evening (20:30 local).</summary>
    public static readonly Instant BaladAttack = Instant.FromUtc(2021, 2, 20, 17, 30);

    /// <summary>Monday 15 February 2021, about 21:30 local.</summary>
    public static readonly Instant ErbilAttack = Instant.FromUtc(2021, 2, 15, 18, 30);

    private static readonly Instant Registered = Instant.FromUtc(2019, 1, 1, 0, 0);

    private static readonly IncidentReport ErbilFirstReport = new(
        ErbilAttack, TimePrecision.Hour, 3, Impact.Inside, 1, 6, Affiliation.Contractor, Attribution.Claimed, "Awliya al-Dam",
        "AP, as reported in the seed story", Confidence.Confirmed, "Officials doubt the claim and point at PMF-linked groups.");

    public static readonly IReadOnlyList<object> BaladStream =
    [
        new BaseRegistered(Balad, "Balad Air Base", "Iraq", "Salah al-Din", 33.9333, 44.3667, Registered),
        new RocketAttackOccurred(Balad, BaladJanuary2020, new IncidentReport(
            Instant.FromUtc(2020, 1, 12, 17, 0), TimePrecision.Hour, 8, Impact.Inside, 0, 4, Affiliation.HostNationMilitary, Attribution.Unknown, null,
            "Iraqi military statement, as recalled in the seed story", Confidence.Confirmed, "Two of the injured were officers.")),
        new RocketAttackOccurred(Balad, BaladFebruary2021, new IncidentReport(
            BaladAttack, TimePrecision.Hour, 4, Impact.OpenArea, 0, 1, Affiliation.Contractor, Attribution.Unknown, null,
            "Iraqi military statement; AP citing four officials", Confidence.Confirmed, "Landed near the perimeter in an open area.")),
    ];

    public static readonly IReadOnlyList<object> ErbilStream =
    [
        new BaseRegistered(Erbil, "Erbil Air Base", "Iraq", "Erbil", 36.2375, 43.9631, Registered),
        new RocketAttackOccurred(Erbil, ErbilFebruary2021, ErbilFirstReport),
        new IncidentCorrected(Erbil, ErbilFebruary2021, ErbilFirstReport with { Injured = 9 }, "AP revised the wounded from six to nine"),
    ];

    public static readonly IReadOnlyList<object> NatoHqStream =
    [
        new BaseRegistered(NatoHq, "NATO Mission Iraq HQ", "Iraq", "Baghdad", 33.31, 44.37, Registered),
    ];

    public static IEnumerable<object> All => [.. BaladStream, .. ErbilStream, .. NatoHqStream];
}
