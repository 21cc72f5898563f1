using Posture.Domain.Bases;

namespace Posture.Domain.Threats;

/// <summary>
/// How severe one incident is at its own site, on the day it happened: the Global Terrorism Index's sum (the incident,
/// its deaths, its injuries), where the incident's own part grows with its kind, its rounds and where they landed,
/// and the whole is weighed by how sure the report is.
/// </summary>
public static class Severity
{
    /// <summary>
    /// confidence × (incident × kind × (1 + roundsWeight × log2(1 + rounds)) × impact + death × killed + injury × injured).
    /// Never negative (counts below zero count as zero) and, with valid options, never falling when rounds, killed or
    /// injured rise or the impact gets worse.
    /// </summary>
    public static double Of(IncidentKind kind, IncidentReport report, ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);

        var roundsFactor = 1 + options.RoundsWeight * Math.Log2(1.0 + Math.Max(0, report.Rounds));
        var attack = options.CasualtyWeights.Incident * options.KindWeights.For(kind) * roundsFactor * options.ImpactMultipliers.For(report.Impact);
        var casualties = options.CasualtyWeights.Death * Math.Max(0, report.Killed) + options.CasualtyWeights.Injury * Math.Max(0, report.Injured);
        return options.ConfidenceWeights.For(report.Confidence) * (attack + casualties);
    }
}
