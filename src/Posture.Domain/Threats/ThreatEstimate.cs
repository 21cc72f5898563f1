using NodaTime;

namespace Posture.Domain.Threats;

/// <summary>
/// A site's score from the running sums of it and its neighbours, as an interval certain to hold both the exact real
/// sum and what <see cref="ThreatScorer"/> computes. The band and the shown score are known without reading any incident
/// when the whole interval maps to one value; otherwise (near a threshold or a rounding boundary) callers score exactly.
/// </summary>
/// <param name="Score">The running sums' figure.</param>
/// <param name="Margin">How far the scorer's answer may be from <see cref="Score"/>.</param>
/// <param name="Floor">The highest analyst floor in force at the instant, if any.</param>
public sealed record ThreatEstimate(double Score, double Margin, AnalystFloor? Floor)
{
    /// <summary>
    /// Beyond the bound computed from the sums, a relative margin of 1e-9: far more than any rounding, and too small to
    /// send more than a handful of sites in a million to the exact path.
    /// </summary>
    public const double RelativeMargin = 1e-9;

    /// <summary>
    /// The estimate for <paramref name="site"/> at <paramref name="at"/> from its own sum and its neighbours' (those within
    /// the nearby radius, as the scorer counts them); null when any of them cannot be used: built on another basis,
    /// missing, or holding an incident after <paramref name="at"/> (the scorer leaves those out, a sum cannot).
    /// </summary>
    public static ThreatEstimate? Of(SiteThreatSum? site, IEnumerable<SiteThreatSum?> neighbours, Instant at, ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        ArgumentNullException.ThrowIfNull(options);
        if (site is null)
        {
            return null;
        }

        var weighted = new List<(SiteThreatSum Sum, double Weight)> { (site, 1) };
        foreach (var neighbour in neighbours)
        {
            if (neighbour is null)
            {
                return null;
            }

            weighted.Add((neighbour, options.NearbyWeight));
        }

        double score = 0, slack = 0, magnitude = 0, severities = 0;
        long count = 0;
        foreach (var (sum, weight) in weighted)
        {
            if (!sum.Serves(options) || sum.Anchor is { } anchor && anchor > at)
            {
                return null;
            }

            var factor = sum.Anchor is { } from ? ThreatScorer.Decay(at - from, options.HalfLife) : 0;
            var value = sum.Sum * factor * weight;
            score += value;
            magnitude += Math.Abs(value);
            // The sum's own slack decays with it; decaying it adds a few units of it (and at most one of the undecayed sum
            // from the rounded exponent), and weighing it one more.
            slack += (((sum.Slack + (3 * SiteThreatSum.Unit * Math.Abs(sum.Sum))) * factor) + (SiteThreatSum.Unit * Math.Abs(sum.Sum))) * weight
                     + (2 * SiteThreatSum.Unit * Math.Abs(value));
            severities += sum.Severities * weight;
            count += sum.Count;
        }

        // Adding the sites' values, then what the scorer's own rounding can be: each of its terms a few units of itself
        // plus 0.37 units of its severity (its exponent is rounded), and its sum of `count` terms in order.
        slack += weighted.Count * SiteThreatSum.Unit * magnitude;
        var bound = magnitude + slack;
        var scorer = SiteThreatSum.Unit * (((count + 4) * bound) + severities);
        var margin = (2 * (slack + scorer)) + (RelativeMargin * bound) + double.Epsilon;
        var floor = site.Floors.Where(f => f.InForceAt(at)).OrderByDescending(f => f.Level).ThenByDescending(f => f.AssessedAt).FirstOrDefault();
        return new ThreatEstimate(score, margin, floor);
    }

    /// <summary>The level the score alone reaches, when every score within the margin reaches the same; null otherwise.</summary>
    public ThreatLevel? ComputedLevel(LevelThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var (low, high) = (thresholds.LevelFor(Score - Margin), thresholds.LevelFor(Score + Margin));
        return low == high ? low : null;
    }

    /// <summary>The level (the computed one raised to the floor in force), when certain; null otherwise.</summary>
    public ThreatLevel? Level(LevelThresholds thresholds) =>
        ComputedLevel(thresholds) is { } computed ? (Floor is { } floor && floor.Level > computed ? floor.Level : computed) : null;

    /// <summary>
    /// The score rounded to <paramref name="digits"/> decimals as <see cref="Math.Round(double, int)"/> rounds the exact
    /// score, when every score within the margin rounds the same (rounding is monotonic); null otherwise.
    /// </summary>
    public double? Rounded(int digits)
    {
        var (low, high) = (Math.Round(Math.Max(0, Score - Margin), digits), Math.Round(Score + Margin, digits));
        return low == high ? low : null;
    }
}
