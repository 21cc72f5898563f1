using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Common;

namespace Posture.Domain.Threats;

/// <summary>
/// Every constant of threat scoring, in one immutable place (docs/threat-model.md explains each). Hosts may bind it
/// from configuration and must call <see cref="Validate"/> before use; changing a constant changes answers, never
/// history. <c>ThreatOptions.Default with { HalfLife = Duration.FromDays(14) }</c> changes one.
/// </summary>
public sealed record ThreatOptions
{
    /// <summary>The defaults documented in docs/threat-model.md.</summary>
    public static ThreatOptions Default { get; } = new();

    /// <summary>How much an incident of each kind weighs before rounds, impact and casualties.</summary>
    public KindWeights KindWeights { get; init; } = new();

    /// <summary>
    /// Default 0.5: the incident's weight grows by this much for every doubling of (rounds + 1), so one round
    /// gives ×1.5, three ×2, seven ×2.5. More rounds mean a more capable, more determined attacker, but the
    /// twentieth rocket says less than the second (diminishing returns); no count (0) leaves the weight as it is.
    /// </summary>
    public double RoundsWeight { get; init; } = 0.5;

    /// <summary>How much worse an incident is the closer to people its munitions landed.</summary>
    public ImpactMultipliers ImpactMultipliers { get; init; } = new();

    /// <summary>The Global Terrorism Index's weights: the incident counts 1, each death 3, each injury 0.5.</summary>
    public CasualtyWeights CasualtyWeights { get; init; } = new();

    /// <summary>How much a report counts by how sure its source is.</summary>
    public ConfidenceWeights ConfidenceWeights { get; init; } = new();

    /// <summary>
    /// Default 30 days: an incident counts half as much after a month, a sixty-fourth after six months, so a site
    /// that stays quiet returns to Low within months while last week's attack still dominates. The Global Terrorism
    /// Index likewise weights recent years more than old ones, at a scale of years; a site's posture moves faster.
    /// </summary>
    public Duration HalfLife { get; init; } = Duration.FromDays(30);

    /// <summary>
    /// Default 50 km: a little beyond the 20–40 km reach of the 122 mm rockets most used against bases in Iraq, so
    /// sites this close share the same launch areas, roads and groups. Balad is about 69 km from Baghdad and 258 km
    /// from Erbil, so neither counts for the other.
    /// </summary>
    public double NearbyRadiusKm { get; init; } = 50;

    /// <summary>
    /// Default 0.25: an incident at another site within <see cref="NearbyRadiusKm"/> counts a quarter as much as
    /// the same incident here: the same attackers are around, but they chose the other target. Between 0 and 1.
    /// </summary>
    public double NearbyWeight { get; init; } = 0.25;

    /// <summary>The scores at which each level above Low begins.</summary>
    public LevelThresholds Thresholds { get; init; } = new();

    /// <summary>Every problem with these options at once; empty when they can be used.</summary>
    public IReadOnlyList<FieldProblem> Validate()
    {
        var checks = new FieldChecks()
            .Require(HalfLife > Duration.Zero, "halfLife", "must be positive")
            .Require(NearbyRadiusKm >= 0 && double.IsFinite(NearbyRadiusKm), "nearbyRadiusKm", "must be a finite distance, not negative")
            .Require(NearbyWeight is >= 0 and <= 1, "nearbyWeight", "must be between 0 and 1")
            .Require(Thresholds.Moderate > 0, "thresholds.moderate", "must be above zero, so that a site with no incidents is Low");
        RequireWeights(checks, "", ("roundsWeight", RoundsWeight));
        RequireWeights(checks, "kindWeights.", KindWeights.All);
        RequireWeights(checks, "casualtyWeights.", CasualtyWeights.All);
        RequireWeights(checks, "impactMultipliers.", ImpactMultipliers.All);
        RequireWeights(checks, "confidenceWeights.", ConfidenceWeights.All);
        RequireWeights(checks, "thresholds.", Thresholds.All);
        RequireRising(checks, "impactMultipliers", "must not fall from open area to occupied area", ImpactMultipliers.All, strictly: false);
        RequireRising(checks, "confidenceWeights", "must not rise from confirmed to unconfirmed", ConfidenceWeights.All.Reverse(), strictly: false);
        RequireRising(checks, "thresholds", "must rise strictly from moderate to critical", Thresholds.All, strictly: true);
        return checks.Problems;
    }

    private static void RequireWeights(FieldChecks checks, string prefix, params IEnumerable<(string Name, double Value)> weights)
    {
        foreach (var (name, value) in weights)
        {
            checks.Require(value >= 0 && double.IsFinite(value), prefix + name, "must be a finite number, not negative");
        }
    }

    private static void RequireRising(FieldChecks checks, string field, string problem, IEnumerable<(string Name, double Value)> values, bool strictly)
    {
        var ordered = values.Select(v => v.Value).ToArray();
        var rising = ordered.Zip(ordered.Skip(1)).All(pair => strictly ? pair.First < pair.Second : pair.First <= pair.Second);
        checks.Require(rising, field, problem);
    }
}

/// <summary>An incident's weight by kind, before rounds, impact and casualties (rockets are the reference, 1).</summary>
public sealed record KindWeights
{
    /// <summary>Default 1, the reference: 107 mm and 122 mm rockets, the commonest attack on bases in Iraq, fired from afar and inaccurate.</summary>
    public double Rocket { get; init; } = 1.0;

    /// <summary>Default 1.25: armed drones are guided and can choose what they hit inside a base.</summary>
    public double Drone { get; init; } = 1.25;

    /// <summary>Default 0.75: mortar and artillery rounds are lighter than rockets and fired from closer, where attackers are easier to find.</summary>
    public double IndirectFire { get; init; } = 0.75;

    /// <summary>Default 1: devices mostly strike convoys on the roads to a base, where its people are least protected.</summary>
    public double Ied { get; init; } = 1.0;

    /// <summary>Default 0.5: small arms need the attacker close and are stopped by walls and the perimeter's guards.</summary>
    public double SmallArms { get; init; } = 0.5;

    /// <summary>The weight of <paramref name="kind"/>.</summary>
    public double For(IncidentKind kind) => kind switch
    {
        IncidentKind.Rocket => Rocket,
        IncidentKind.Drone => Drone,
        IncidentKind.IndirectFire => IndirectFire,
        IncidentKind.Ied => Ied,
        IncidentKind.SmallArms => SmallArms,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a known kind of incident"),
    };

    internal (string Name, double Value)[] All =>
        [("rocket", Rocket), ("drone", Drone), ("indirectFire", IndirectFire), ("ied", Ied), ("smallArms", SmallArms)];
}

/// <summary>How much worse an incident is by where its munitions landed; never falling from open area to occupied area.</summary>
public sealed record ImpactMultipliers
{
    /// <summary>Default 1: open ground near the base; it shows intent and range, not yet reach.</summary>
    public double OpenArea { get; init; } = 1.0;

    /// <summary>Default 1.5: on the perimeter, where guards and gates are.</summary>
    public double Perimeter { get; init; } = 1.5;

    /// <summary>Default 2.5: inside the perimeter: the attackers can reach the base itself.</summary>
    public double Inside { get; init; } = 2.5;

    /// <summary>Default 4: on living or working areas (a dormitory, a cafeteria): aimed, or lucky, at people.</summary>
    public double OccupiedArea { get; init; } = 4.0;

    /// <summary>The multiplier for <paramref name="impact"/>.</summary>
    public double For(Impact impact) => impact switch
    {
        Impact.OpenArea => OpenArea,
        Impact.Perimeter => Perimeter,
        Impact.Inside => Inside,
        Impact.OccupiedArea => OccupiedArea,
        _ => throw new ArgumentOutOfRangeException(nameof(impact), impact, "not a known impact"),
    };

    internal (string Name, double Value)[] All =>
        [("openArea", OpenArea), ("perimeter", Perimeter), ("inside", Inside), ("occupiedArea", OccupiedArea)];
}

/// <summary>The Global Terrorism Index's weights for what an incident did (its 0–3 property damage is left out: reports rarely give it).</summary>
public sealed record CasualtyWeights
{
    /// <summary>Default 1: the GTI counts every incident once, whatever it did; here scaled by kind, rounds and impact.</summary>
    public double Incident { get; init; } = 1.0;

    /// <summary>Default 3: the GTI's weight of each death.</summary>
    public double Death { get; init; } = 3.0;

    /// <summary>Default 0.5: the GTI's weight of each injury.</summary>
    public double Injury { get; init; } = 0.5;

    internal (string Name, double Value)[] All => [("incident", Incident), ("death", Death), ("injury", Injury)];
}

/// <summary>How much a report counts by its source's confidence; never rising from confirmed to unconfirmed.</summary>
public sealed record ConfidenceWeights
{
    /// <summary>Default 1: officials or several independent sources confirm it.</summary>
    public double Confirmed { get; init; } = 1.0;

    /// <summary>Default 0.7: one credible source; most such reports turn out true, in some details wrong.</summary>
    public double Probable { get; init; } = 0.7;

    /// <summary>Default 0.4: a single unverified claim (social media, a group's own channel); counted, lightly, until confirmed or retracted.</summary>
    public double Unconfirmed { get; init; } = 0.4;

    /// <summary>The weight of <paramref name="confidence"/>.</summary>
    public double For(Confidence confidence) => confidence switch
    {
        Confidence.Confirmed => Confirmed,
        Confidence.Probable => Probable,
        Confidence.Unconfirmed => Unconfirmed,
        _ => throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "not a known confidence"),
    };

    internal (string Name, double Value)[] All => [("confirmed", Confirmed), ("probable", Probable), ("unconfirmed", Unconfirmed)];
}

/// <summary>
/// The score at which each level begins; below <see cref="Moderate"/> is Low. A score exactly at a threshold is the
/// higher level. They rise strictly, and each is reached by a kind of history (see docs/threat-model.md).
/// </summary>
public sealed record LevelThresholds
{
    /// <summary>
    /// Default 1: about one small incident in the last month. Six months of quiet bring even a severity-60 attack
    /// (several killed) back under it.
    /// </summary>
    public double Moderate { get; init; } = 1.0;

    /// <summary>Default 2: a recent attack of several rounds that hurt someone, or several attacks that did not (Balad after 20 February 2021: 2.66).</summary>
    public double Significant { get; init; } = 2.0;

    /// <summary>Default 6: a recent attack inside a base that killed (Erbil after 15 February 2021: 12.5), or a run of lesser ones.</summary>
    public double High { get; init; } = 6.0;

    /// <summary>Default 15: a mass-casualty attack, or lethal attacks following one another within weeks: another is expected.</summary>
    public double Critical { get; init; } = 15.0;

    /// <summary>The level a score reaches, before any analyst's floor.</summary>
    public ThreatLevel LevelFor(double score) =>
        score >= Critical ? ThreatLevel.Critical
        : score >= High ? ThreatLevel.High
        : score >= Significant ? ThreatLevel.Significant
        : score >= Moderate ? ThreatLevel.Moderate
        : ThreatLevel.Low;

    internal (string Name, double Value)[] All =>
        [("moderate", Moderate), ("significant", Significant), ("high", High), ("critical", Critical)];
}
