using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;
using Posture.Api.Http;

namespace Posture.Cli.Audit;

/// <summary>The audit report as text for a terminal and as a Markdown document.</summary>
public static class AuditRendering
{
    public static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private static string Format(Instant? instant) => instant is { } i ? Format(i) : "-";

    private static string Word<TEnum>(TEnum value) where TEnum : struct, Enum => QueryParameters.Word(value);

    private static string Who(RecordedBy r) => $"{r.Type} #{r.Sequence} recorded {Format(r.RecordedAt)} by {r.User ?? "(unknown)"}";

    /// <summary>What else a change moved besides level and score: FPCON, headcount.</summary>
    private static string Also(AuditChange x) =>
        (x.FpconBefore != x.FpconAfter ? $"; FPCON {Word(x.FpconBefore)} -> {Word(x.FpconAfter)}" : "")
        + (x.HeadcountBefore != x.HeadcountAfter ? string.Create(CultureInfo.InvariantCulture, $"; headcount {x.HeadcountBefore} -> {x.HeadcountAfter}") : "");

    public static string Text(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        t.AppendLine(c, $"{report.Site} ({report.SiteId}) at {Format(report.At)}, as known {(report.KnownAt is { } k ? "at " + Format(k) : "now")}");
        t.AppendLine(c, $"  level      {Word(report.Level)} (score {report.Score:F4}; computed {Word(report.ComputedLevel)}, recommends FPCON {Word(report.RecommendedFpcon)})");
        if (report.Floor is { } floor)
        {
            t.AppendLine(c, $"  floor      {Word(floor.Level)} until {Format(floor.ExpiresAt)}: {floor.Reason}");
        }

        t.AppendLine(c, $"  FPCON      {Word(report.Fpcon)}{(report.FpconReason is { } r ? $" ({r})" : "")}{(report.FpconSetBy is { } setBy ? "; " + Who(setBy) : "")}");
        t.AppendLine(c, $"  headcount  {report.Headcount}");
        foreach (var o in report.HeadcountByOrganisation)
        {
            t.AppendLine(c, $"             {o.People,6}  {o.Organisation} ({Word(o.Kind)})");
        }

        t.AppendLine(c, $"Contributions ({report.Contributions.Count}):");
        foreach (var x in report.Contributions)
        {
            t.AppendLine(c, $"  {x.Contribution:F4}  {Word(x.Kind)} {Format(x.OccurredAt)} incident {x.IncidentId} ({x.DistanceKm:F1} km, severity {x.Severity:F3} x weight {x.Weight:F4})");
            foreach (var recorded in x.RecordedBy)
            {
                t.AppendLine(c, $"          {Who(recorded)}");
            }
        }

        t.AppendLine(c, $"Recorded after {Format(report.ChangesRecordedAfter)} and changing this answer ({report.Changes.Count}):");
        foreach (var x in report.Changes)
        {
            t.AppendLine(c, $"  {x.Type} #{x.Sequence} recorded {Format(x.RecordedAt)} by {x.User ?? "(unknown)"} (occurred {Format(x.OccurredAt)}): {Word(x.LevelBefore)} {x.ScoreBefore:F4} -> {Word(x.LevelAfter)} {x.ScoreAfter:F4}{Also(x)}");
        }

        if (report.Now is { } now)
        {
            t.AppendLine(c, $"As known now: {Word(now.Level)} (score {now.Score:F4})");
        }

        return t.ToString();
    }

    public static string Markdown(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var m = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        m.AppendLine(c, $"# Audit: {report.Site} at {Format(report.At)}").AppendLine();
        m.AppendLine(c, $"Site `{report.SiteId}`, as known {(report.KnownAt is { } k ? "at " + Format(k) : "now")}.").AppendLine();
        m.AppendLine("| | |").AppendLine("|---|---|");
        m.AppendLine(c, $"| level | **{Word(report.Level)}** |");
        m.AppendLine(c, $"| score | {report.Score:F4} |");
        m.AppendLine(c, $"| computed level | {Word(report.ComputedLevel)} |");
        m.AppendLine(c, $"| recommended FPCON | {Word(report.RecommendedFpcon)} |");
        m.AppendLine(c, $"| FPCON | {Word(report.Fpcon)}{(report.FpconSetBy is { } by ? " (" + Who(by) + ")" : "")} |");
        m.AppendLine(c, $"| headcount | {report.Headcount} |").AppendLine();
        if (report.HeadcountByOrganisation.Count > 0)
        {
            m.AppendLine("## Headcount by organisation").AppendLine().AppendLine("| organisation | kind | people |").AppendLine("|---|---|---|");
            foreach (var o in report.HeadcountByOrganisation)
            {
                m.AppendLine(c, $"| {o.Organisation} | {Word(o.Kind)} | {o.People} |");
            }

            m.AppendLine();
        }

        m.AppendLine("## Contributions").AppendLine().AppendLine("| contribution | kind | occurred | incident | recorded by |").AppendLine("|---|---|---|---|---|");
        foreach (var x in report.Contributions)
        {
            m.AppendLine(c, $"| {x.Contribution:F4} | {Word(x.Kind)} | {Format(x.OccurredAt)} | `{x.IncidentId}` | {string.Join("<br>", x.RecordedBy.Select(Who))} |");
        }

        m.AppendLine().AppendLine(c, $"## Recorded after {Format(report.ChangesRecordedAfter)} and changing the answer").AppendLine();
        if (report.Changes.Count == 0)
        {
            m.AppendLine("Nothing.");
        }
        else
        {
            m.AppendLine("| event | recorded | by | occurred | before | after |").AppendLine("|---|---|---|---|---|---|");
            foreach (var x in report.Changes)
            {
                m.AppendLine(c, $"| {x.Type} #{x.Sequence} | {Format(x.RecordedAt)} | {x.User ?? "(unknown)"} | {Format(x.OccurredAt)} | {Word(x.LevelBefore)} {x.ScoreBefore:F4} | {Word(x.LevelAfter)} {x.ScoreAfter:F4}{Also(x)} |");
            }
        }

        if (report.Now is { } now)
        {
            m.AppendLine().AppendLine(c, $"As known now: **{Word(now.Level)}** (score {now.Score:F4}).");
        }

        return m.ToString();
    }
}
