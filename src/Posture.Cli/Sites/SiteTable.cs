using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Posture.Domain.Sites;
using Spectre.Console;

namespace Posture.Cli.Sites;

/// <summary>The site table a security officer reads: one row per site, in name order.</summary>
public static class SiteTable
{
    private static readonly InstantPattern Minutes = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm'Z'");

    public static Table Build(IEnumerable<SitePosture> sites, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(title);
        }

        table.AddColumn("Site").AddColumn("Region").AddColumn(new TableColumn("Incidents").RightAligned()).AddColumn("Last incident");
        foreach (var site in sites.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            table.AddRow(
                Markup.Escape(site.Name),
                Markup.Escape(site.Region),
                site.IncidentCount.ToString(CultureInfo.InvariantCulture),
                site.LastIncidentAt is { } last ? Minutes.Format(last) : "-");
        }

        return table;
    }

    public static string Format(Instant instant) => Minutes.Format(instant);
}
