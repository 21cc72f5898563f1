using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using NodaTime;
using Posture.Domain.Bases;

namespace Posture.Domain.Threats;

/// <summary>
/// One site's own incidents as a single running figure, so that its threat band can usually be known without reading
/// them (docs/adr/0018-running-threat-sums.md). Because decay is exponential, Σ severity × 0.5^((t − occurredAt) / h)
/// equals 0.5^((t − <see cref="Anchor"/>) / h) × <see cref="Sum"/> for every t at or after the anchor, where
/// <see cref="Sum"/> is the same sum taken at the anchor (the latest occurred-at the site has seen). Every term is then
/// at most its severity, so the figure never overflows however long the history.
/// <para>
/// The figure is not the score: it is summed in the order the events arrived, the scorer in a fixed total order, so
/// they differ in the last bits. <see cref="Slack"/> bounds how far it may be from the exact real sum, and
/// <see cref="ThreatEstimate"/> answers a band only when the whole interval lies inside it; otherwise callers score
/// exactly. The sum is usable only for options of the same <see cref="Basis"/> (half-life and severity weights).
/// </para>
/// </summary>
/// <param name="Id">The site (its Base stream's id).</param>
/// <param name="Basis">What the sum was built with (<see cref="SiteThreatSums.BasisOf"/>); empty when it cannot be trusted.</param>
/// <param name="Anchor">The latest occurred-at of any report folded (standing or not); null before the first incident.</param>
/// <param name="Sum">Σ over standing incidents of severity × 0.5^((Anchor − occurredAt) / h).</param>
/// <param name="Slack">A bound on |Sum − the exact real sum|, in the same units.</param>
/// <param name="Severities">Σ severity over standing incidents, undecayed: what the scorer's rounding is bounded by.</param>
/// <param name="Count">How many incidents stand.</param>
/// <param name="Floors">The analysts' floors, as the site's read model keeps them.</param>
public sealed record SiteThreatSum(
    Guid Id,
    string Basis,
    Instant? Anchor,
    double Sum,
    double Slack,
    double Severities,
    int Count,
    ImmutableList<AnalystFloor> Floors)
{
    /// <summary>The unit roundoff of a double (2^-53), rounded up.</summary>
    internal const double Unit = 1.12e-16;

    /// <summary>True when readers with these options may use the sum.</summary>
    public bool Serves(ThreatOptions options) => Basis.Length > 0 && Basis == SiteThreatSums.BasisOf(options);

    /// <summary>
    /// Folds one event of the site's Base stream. Corrections and retractions must arrive as
    /// <see cref="ThreatTermRevised"/> (which names the report they replace); a bare one, or any event for a sum built
    /// on another basis, leaves a sum that is never used (empty <see cref="Basis"/>) until it is rebuilt.
    /// </summary>
    public static SiteThreatSum? Evolve(SiteThreatSum? sum, object @event, ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (sum, @event) switch
        {
            (null, BaseRegistered e) => new SiteThreatSum(e.BaseId, SiteThreatSums.BasisOf(options), null, 0, 0, 0, 0, ImmutableList<AnalystFloor>.Empty),
            (null, IBaseEvent e) => Untrusted(e.BaseId),
            (null, _) => null,
            (_, _) when sum.Basis.Length == 0 => sum,
            (_, IBaseEvent or ThreatTermRevised) when sum.Basis != SiteThreatSums.BasisOf(options) => sum with { Basis = "" },
            (_, IIncidentOccurred e) => sum.Add(Severity.Of(e.Kind, e.Report, options), e.Report.OccurredAt, options.HalfLife),
            (_, ThreatTermRevised e) => e.Revised is { } revised
                ? sum.Remove(Severity.Of(e.Kind, e.Previous, options), e.Previous.OccurredAt, options.HalfLife)
                    .Add(Severity.Of(e.Kind, revised, options), revised.OccurredAt, options.HalfLife)
                : sum.Remove(Severity.Of(e.Kind, e.Previous, options), e.Previous.OccurredAt, options.HalfLife),
            (_, IncidentCorrected or IncidentRetracted) => sum with { Basis = "" },
            (_, ThreatAssessed e) => sum with { Floors = sum.Floors.Add(new AnalystFloor(e.Level, e.Reason, e.AssessedAt, e.ExpiresAt)) },
            _ => sum,
        };
    }

    private static SiteThreatSum Untrusted(Guid siteId) => new(siteId, "", null, 0, 0, 0, 0, ImmutableList<AnalystFloor>.Empty);

    private SiteThreatSum Add(double severity, Instant occurredAt, Duration halfLife)
    {
        if (Anchor is not { } anchor || occurredAt > anchor)
        {
            // Move the anchor forward: everything so far decays to the new anchor, then the new term counts in full.
            var factor = Anchor is { } old ? ThreatScorer.Decay(occurredAt - old, halfLife) : 0;
            var moved = Sum * factor;
            var sum = moved + severity;
            var slack = ((Slack + 3 * Unit * Math.Abs(Sum)) * factor) + (Unit * Math.Abs(Sum)) + (Unit * (Math.Abs(sum) + severity));
            return this with { Anchor = occurredAt, Sum = sum, Slack = slack, Severities = Severities + severity, Count = Count + 1 };
        }

        var term = severity * ThreatScorer.Decay(anchor - occurredAt, halfLife);
        var added = Sum + term;
        return this with { Sum = added, Slack = Slack + TermSlack(severity, term, added), Severities = Severities + severity, Count = Count + 1 };
    }

    private SiteThreatSum Remove(double severity, Instant occurredAt, Duration halfLife)
    {
        // The anchor is the latest occurred-at ever folded, so a report being replaced is never after it.
        var anchor = Anchor ?? occurredAt;
        var term = severity * ThreatScorer.Decay(anchor - occurredAt, halfLife);
        var removed = Sum - term;
        return this with
        {
            Anchor = anchor,
            Sum = removed,
            Slack = Slack + TermSlack(severity, term, removed),
            Severities = Math.Max(0, Severities - severity),
            Count = Math.Max(0, Count - 1),
        };
    }

    /// <summary>
    /// One term's rounding: the power (a few units of its value, plus at most 0.37 units of its severity from the
    /// rounded exponent: x·ln2·2^-x never exceeds 1/e) and the addition (a unit of the result).
    /// </summary>
    private static double TermSlack(double severity, double term, double result) => Unit * ((3 * Math.Abs(term)) + severity + Math.Abs(result));
}

/// <summary>
/// A correction or retraction as the running sum needs it: with the report it replaces, which the stored event does
/// not carry. Never stored: the projection builds it from the stream before folding (and the history's fold from the
/// events before it).
/// </summary>
/// <param name="Revised">The corrected report, or null when the incident was retracted.</param>
public sealed record ThreatTermRevised(Guid BaseId, Guid IncidentId, IncidentKind Kind, IncidentReport Previous, IncidentReport? Revised);

/// <summary>Folding whole histories into running sums, and what a sum was built with.</summary>
public static class SiteThreatSums
{
    /// <summary>
    /// Each options' basis, composed once: every fold of a Base event compares with it, and composing it formats some
    /// thirty numbers (options are immutable records, so the text cannot change).
    /// </summary>
    private static readonly ConditionalWeakTable<ThreatOptions, string> Bases = [];

    /// <summary>
    /// What a running sum depends on: the half-life and every severity weight (not the radius, the nearby weight or the
    /// thresholds, which only readers apply). Invariant text, so the same options always give the same basis.
    /// </summary>
    public static string BasisOf(ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Bases.GetValue(options, Compose);
    }

    private static string Compose(ThreatOptions options)
    {
        IEnumerable<(string Name, double Value)> weights =
        [
            ("roundsWeight", options.RoundsWeight),
            .. options.KindWeights.All, .. options.ImpactMultipliers.All, .. options.CasualtyWeights.All, .. options.ConfidenceWeights.All,
        ];
        return string.Create(CultureInfo.InvariantCulture, $"halfLifeTicks={options.HalfLife.TotalTicks:R};")
               + string.Join(";", weights.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Name}={w.Value:R}")));
    }

    /// <summary>
    /// Turns corrections and retractions into <see cref="ThreatTermRevised"/> from the reports seen before them, and folds
    /// every Base stream (events in recorded order) into its site's sum, as the inline projection does.
    /// </summary>
    public static IReadOnlyDictionary<Guid, SiteThreatSum> Fold(IEnumerable<object> events, ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(events);
        var sums = new Dictionary<Guid, SiteThreatSum?>();
        var reports = new Dictionary<(Guid Site, Guid Incident), (IncidentKind Kind, IncidentReport Report)>();
        foreach (var @event in events)
        {
            if (@event is not IBaseEvent baseEvent)
            {
                continue;
            }

            var folded = Revision(@event, reports) ?? @event;
            sums[baseEvent.BaseId] = SiteThreatSum.Evolve(sums.GetValueOrDefault(baseEvent.BaseId), folded, options);
        }

        return sums.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!);
    }

    /// <summary>The revision a correction or retraction makes, from the reports seen so far (which it updates); null for other events.</summary>
    public static ThreatTermRevised? Revision(object @event, IDictionary<(Guid Site, Guid Incident), (IncidentKind Kind, IncidentReport Report)> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        switch (@event)
        {
            case IIncidentOccurred e:
                reports.TryAdd((e.BaseId, e.IncidentId), (e.Kind, e.Report));
                return null;
            case IncidentCorrected e when reports.TryGetValue((e.BaseId, e.IncidentId), out var known):
                reports[(e.BaseId, e.IncidentId)] = known with { Report = e.Corrected };
                return new ThreatTermRevised(e.BaseId, e.IncidentId, known.Kind, known.Report, e.Corrected);
            case IncidentRetracted e when reports.Remove((e.BaseId, e.IncidentId), out var known):
                return new ThreatTermRevised(e.BaseId, e.IncidentId, known.Kind, known.Report, null);
            default:
                return null;
        }
    }
}
