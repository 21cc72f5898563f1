using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Posture.Api.Http;
using Posture.Cli.Hosting;
using Posture.Domain.Threats;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Json;
using Posture.Infrastructure.Sites;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Posture.Cli.Audit;

public sealed class AuditSettings : PostureSettings
{
    [CommandOption("--site <SITE>")]
    [Description("The site: its id, or its name (e.g. \"Balad Air Base\")")]
    public string? Site { get; init; }

    [CommandOption("--at <INSTANT>")]
    [Description("The moment asked about, ISO-8601 UTC, e.g. 2021-02-20T18:00:00Z")]
    public string? At { get; init; }

    [CommandOption("--known-at <INSTANT>")]
    [Description("Answer with only what had been recorded by this instant (default: everything recorded)")]
    public string? KnownAt { get; init; }

    [CommandOption("--from <INSTANT>")]
    [Description("With --what-if: the first day of the timeline")]
    public string? From { get; init; }

    [CommandOption("--to <INSTANT>")]
    [Description("With --what-if: the last day of the timeline")]
    public string? To { get; init; }

    [CommandOption("--what-if <CHANGES>")]
    [Description("Other threat constants, e.g. half-life=90d,nearby-radius=25km,nearby-weight=0.5")]
    public string? WhatIf { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("text (default), md or json")]
    [DefaultValue("text")]
    public string Format { get; init; } = "text";

    [CommandOption("--out <FILE>")]
    [Description("Write the report to this file instead of standard output")]
    public string? Out { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Site))
        {
            return ValidationResult.Error("--site is required");
        }

        if (Format is not ("text" or "md" or "json"))
        {
            return ValidationResult.Error($"--format must be text, md or json, not '{Format}'");
        }

        foreach (var (name, value) in new[] { ("--at", At), ("--known-at", KnownAt), ("--from", From), ("--to", To) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !InstantPattern.ExtendedIso.Parse(value.Trim()).Success)
            {
                return ValidationResult.Error($"{name} '{value}' is not an ISO-8601 UTC instant such as 2021-02-20T18:00:00Z");
            }
        }

        if (WhatIf is null)
        {
            return string.IsNullOrWhiteSpace(At) ? ValidationResult.Error("--at is required (or --from, --to and --what-if)") : ValidationResult.Success();
        }

        if (string.IsNullOrWhiteSpace(From) || string.IsNullOrWhiteSpace(To))
        {
            return ValidationResult.Error("--what-if needs --from and --to");
        }

        if (Parse(From) > Parse(To))
        {
            return ValidationResult.Error("--from must not be after --to");
        }

        var (_, problem) = WhatIfOptions.Parse(WhatIf, ThreatOptions.Default);
        return problem is null ? ValidationResult.Success() : ValidationResult.Error(problem);
    }

    public static Instant Parse(string? text) => InstantPattern.ExtendedIso.Parse(text!.Trim()).Value;
}

/// <summary>
/// <c>posture audit</c>: a site's posture at a moment, who recorded what drives it, and what was recorded later that
/// changed it; or, with <c>--what-if</c>, its daily level under the live constants and under others, side by side.
/// </summary>
public sealed class AuditCommand(CliEnvironment environment) : AsyncCommand<AuditSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AuditSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        var options = runtime.Services.GetRequiredService<SiteReader>().Options;
        IReadOnlyList<JasperFx.Events.IEvent> events;
        await using (var session = runtime.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            events = await HistoryReader.RecordedByAsync(session, null, cancellationToken);
        }

        var everything = HistoryReader.Fold(events.Select(e => e.Data), options);
        var site = Guid.TryParse(settings.Site, out var id)
            ? everything.Site(id)
            : everything.Sites.FirstOrDefault(s => string.Equals(s.Name, settings.Site!.Trim(), StringComparison.OrdinalIgnoreCase));
        if (site is null)
        {
            await environment.Error.WriteLineAsync($"posture: no site '{settings.Site}' (posture sites lists them)");
            return ExitCodes.Usage;
        }

        string output;
        if (settings.WhatIf is { } whatIf)
        {
            var (alternative, _) = WhatIfOptions.Parse(whatIf, options);
            var timeline = WhatIfTimeline.Build(everything, site.Id, site.Name, AuditSettings.Parse(settings.From), AuditSettings.Parse(settings.To),
                options, alternative!, whatIf);
            output = settings.Format switch
            {
                "json" => Json(timeline),
                "md" => WhatIfTimeline.Markdown(timeline),
                _ => WhatIfTimeline.Text(timeline),
            };
        }
        else
        {
            var at = AuditSettings.Parse(settings.At);
            Instant? knownAt = string.IsNullOrWhiteSpace(settings.KnownAt) ? null : AuditSettings.Parse(settings.KnownAt);
            if (knownAt is { } k && HistoryReader.Fold(events.Where(e => Instant.FromDateTimeOffset(e.Timestamp) <= k).Select(e => e.Data), options)
                    .Site(site.Id) is null)
            {
                await environment.Error.WriteLineAsync($"posture: site '{settings.Site}' was not yet registered at {k}");
                return ExitCodes.Usage;
            }

            var report = AuditReport.Build(events, site.Id, at, knownAt, options);
            output = settings.Format switch
            {
                "json" => Json(report),
                "md" => AuditRendering.Markdown(report),
                _ => AuditRendering.Text(report),
            };
        }

        if (settings.Out is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(file, output, cancellationToken);
            environment.Console.MarkupLine($"wrote [bold]{Markup.Escape(file)}[/]");
        }
        else
        {
            environment.Console.Profile.Out.Writer.Write(output);
        }

        return ExitCodes.Ok;
    }

    private static string Json<T>(T value)
    {
        var options = PostureJson.Create();
        options.WriteIndented = true;
        return JsonSerializer.Serialize(value, options) + Environment.NewLine;
    }
}

/// <summary>Reads <c>--what-if</c>: comma-separated <c>half-life=90d</c>, <c>nearby-radius=25km</c>, <c>nearby-weight=0.5</c>.</summary>
public static class WhatIfOptions
{
    public static (ThreatOptions? Options, string? Problem) Parse(string text, ThreatOptions live)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(live);
        var options = live;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2)
            {
                return (null, $"--what-if '{part}' is not name=value");
            }

            var (name, value) = (pair[0].ToLowerInvariant(), pair[1].ToLowerInvariant());
            var number = value.TrimEnd('d', 'k', 'm');
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || Math.Abs(x) > 1e6)
            {
                return (null, $"--what-if {name}: '{pair[1]}' is not a number");
            }

            switch (name)
            {
                case "half-life":
                    options = options with { HalfLife = Duration.FromDays(x) };
                    break;
                case "nearby-radius":
                    options = options with { NearbyRadiusKm = x };
                    break;
                case "nearby-weight":
                    options = options with { NearbyWeight = x };
                    break;
                default:
                    return (null, $"--what-if: unknown constant '{pair[0]}' (half-life, nearby-radius, nearby-weight)");
            }
        }

        var problems = options.Validate();
        return problems.Count == 0
            ? (options, null)
            : (null, "--what-if: " + string.Join("; ", problems.Select(p => $"{p.Field} {p.Problem}")));
    }
}

/// <summary>One day of the what-if timeline: the level under the live constants and under the alternative.</summary>
public sealed record WhatIfDay(Instant At, ThreatLevel Live, double LiveScore, ThreatLevel Alternative, double AlternativeScore)
{
    public bool Differs => Live != Alternative;
}

/// <summary>The daily level of a site under two sets of constants, and the days where the level differs.</summary>
public sealed record WhatIfTimeline(
    Guid SiteId, string Site, string WhatIf, double LiveHalfLifeDays, double AlternativeHalfLifeDays, IReadOnlyList<WhatIfDay> Days)
{
    public IReadOnlyList<WhatIfDay> Differences => Days.Where(d => d.Differs).ToList();

    public static WhatIfTimeline Build(
        SiteSnapshot snapshot, Guid siteId, string name, Instant from, Instant to, ThreatOptions live, ThreatOptions alternative, string whatIf)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(alternative);
        var liveSnapshot = snapshot with { Options = live };
        var altSnapshot = snapshot with { Options = alternative };
        var days = new List<WhatIfDay>();
        for (var at = from; at <= to; at += Duration.FromDays(1))
        {
            var a = liveSnapshot.Threat(siteId, at);
            var b = altSnapshot.Threat(siteId, at);
            days.Add(new WhatIfDay(at, a.Level, Math.Round(a.Score, 4), b.Level, Math.Round(b.Score, 4)));
        }

        return new WhatIfTimeline(siteId, name, whatIf, live.HalfLife.TotalDays, alternative.HalfLife.TotalDays, days);
    }

    public static string Text(WhatIfTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{timeline.Site}: live constants vs what-if {timeline.WhatIf}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"day",-22} {"live",-24} {"what-if",-24}");
        foreach (var d in timeline.Days)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{AuditRendering.Format(d.At),-22} {$"{Word(d.Live)} ({d.LiveScore:F2})",-24} {$"{Word(d.Alternative)} ({d.AlternativeScore:F2})",-24}{(d.Differs ? " <- differs" : "")}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{timeline.Differences.Count} day(s) where the level differs");
        return text.ToString();
    }

    public static string Markdown(WhatIfTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {timeline.Site}: what if {timeline.WhatIf}").AppendLine();
        md.AppendLine("| day | live | what-if | differs |").AppendLine("|---|---|---|---|");
        foreach (var d in timeline.Days)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {AuditRendering.Format(d.At)} | {Word(d.Live)} ({d.LiveScore:F2}) | {Word(d.Alternative)} ({d.AlternativeScore:F2}) | {(d.Differs ? "yes" : "")} |");
        }

        md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{timeline.Differences.Count} day(s) where the level differs.");
        return md.ToString();
    }

    private static string Word(ThreatLevel level) => QueryParameters.Word(level);
}
