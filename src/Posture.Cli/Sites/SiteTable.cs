using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Posture.Api.Http;
using Posture.Api.Sites;
using Spectre.Console;

namespace Posture.Cli.Sites;

/// <summary>
/// The site table a security officer reads: one row per site, in name order, with the figures <c>GET /api/sites</c>
/// answers for the same instant.
/// </summary>
public static class SiteTable
{
    private static readonly InstantPattern Minutes = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm'Z'");

    public static Table Build(IEnumerable<SiteSummary> sites, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(Markup.Escape(title));
        }

        table.AddColumn("Site").AddColumn("Region").AddColumn("Level").AddColumn(new TableColumn("Score").RightAligned()).AddColumn("FPCON")
            .AddColumn(new TableColumn("Contractors").RightAligned()).AddColumn(new TableColumn("Mission").RightAligned())
            .AddColumn(new TableColumn("Total").RightAligned()).AddColumn("Last incident");
        foreach (var site in sites.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            table.AddRow(
                Markup.Escape(site.Name),
                Markup.Escape(site.Region),
                Level(site.Threat.Level),
                site.Threat.Score.ToString("0.00", CultureInfo.InvariantCulture),
                QueryParameters.Word(site.Fpcon),
                Count(site.Headcount.Contractors),
                Count(site.Headcount.Mission),
                Count(site.Headcount.Total),
                site.LastIncidentAt is { } last ? Minutes.Format(last) : "-");
        }

        return table;
    }

    public static string Format(Instant instant) => Minutes.Format(instant);

    private static string Count(int people) => people.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Level(Domain.Threats.ThreatLevel level) => level switch
    {
        Domain.Threats.ThreatLevel.Critical => "[bold red]critical[/]",
        Domain.Threats.ThreatLevel.High => "[red]high[/]",
        Domain.Threats.ThreatLevel.Significant => "[darkorange]significant[/]",
        Domain.Threats.ThreatLevel.Moderate => "[yellow]moderate[/]",
        _ => "[green]low[/]",
    };
}
