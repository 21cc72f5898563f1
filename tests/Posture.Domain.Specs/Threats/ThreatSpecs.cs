using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>Given Base-stream events / when a site is assessed at an instant / then its score, level and reasons.</summary>
public abstract class ThreatSpecs
{
    protected static readonly ThreatOptions Options = ThreatOptions.Default;

    protected static readonly Duration HalfLife = Options.HalfLife;

    protected static readonly Guid Balad = Guid.Parse("0b1ad000-0000-4000-8000-000000000001");
    protected static readonly Guid Erbil = Guid.Parse("e4b11000-0000-4000-8000-000000000002");
    protected static readonly Guid NatoHq = Guid.Parse("0a70b000-0000-4000-8000-000000000003");

    /// <summary>A site of our own invention, 20 km from Balad: near enough for Balad's incidents to count there.</summary>
    protected static readonly Guid Outpost = Guid.Parse("00057000-0000-4000-8000-000000000004");

    private static readonly Instant Registered = Instant.FromUtc(2019, 1, 1, 0, 0);

    protected static readonly BaseRegistered BaladRegistered = new(Balad, "Balad Air Base", "Iraq", "Salah al-Din", 33.9333, 44.3667, Registered);
    protected static readonly BaseRegistered ErbilRegistered = new(Erbil, "Erbil Air Base", "Iraq", "Erbil", 36.2375, 43.9631, Registered);
    protected static readonly BaseRegistered NatoHqRegistered = new(NatoHq, "NATO Mission Iraq HQ", "Iraq", "Baghdad", 33.31, 44.37, Registered);

    /// <summary>About 20 km due north of Balad (0.18° of latitude).</summary>
    protected static readonly BaseRegistered OutpostRegistered = new(Outpost, "Outpost (illustrative)", "Iraq", "Salah al-Din", 34.1133, 44.3667, Registered);

    /// <summary>An instant in the seed story's week, for specs that need one and nothing else.</summary>
    protected static readonly Instant Saturday = Instant.FromUtc(2021, 2, 20, 17, 30);

    protected static IncidentReport Report(
        Instant occurredAt, int rounds = 4, Impact impact = Impact.OpenArea, int killed = 0, int injured = 1,
        Confidence confidence = Confidence.Confirmed) =>
        new(occurredAt, TimePrecision.Hour, rounds, impact, killed, injured, Affiliation.Contractor, Attribution.Unknown, null,
            "Iraqi military statement", confidence, null);

    protected static RocketAttackOccurred Rockets(Guid site, Instant occurredAt, Guid? incidentId = null) =>
        new(site, incidentId ?? Guid.NewGuid(), Report(occurredAt));

    protected static ThreatInputs Given(params object[] history) => ThreatInputs.From(history);

    protected static ThreatAssessment Assess(Guid site, ThreatInputs inputs, Instant at, ThreatOptions? options = null) =>
        ThreatScorer.Assess(site, inputs, at, options ?? Options);
}
