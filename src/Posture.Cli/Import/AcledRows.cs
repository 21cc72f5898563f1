using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;
using NodaTime.Text;
using Posture.Domain.Bases;
using Posture.Domain.Sites;
using Posture.Domain.Threats;

namespace Posture.Cli.Import;

/// <summary>
/// Where the columns <c>posture import</c> reads sit in an ACLED export's header. Columns Posture does not use may be
/// there or not; the required ones must all be.
/// </summary>
public sealed record AcledColumns(
    int EventId, int EventDate, int TimePrecision, int SubEventType, int Actor1, int Latitude, int Longitude, int GeoPrecision,
    int Source, int Notes, int Fatalities, int Count)
{
    /// <summary>The columns without which no row can become an incident.</summary>
    public static readonly IReadOnlyList<string> Required =
        ["event_id_cnty", "event_date", "time_precision", "sub_event_type", "latitude", "longitude", "source", "fatalities"];

    /// <summary>The columns of <paramref name="header"/>, or the required ones it lacks.</summary>
    public static (AcledColumns? Columns, IReadOnlyList<string> Missing) Find(IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var names = header.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = Required.Where(r => !names.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            return (null, missing);
        }

        return (new AcledColumns(
            names.IndexOf("event_id_cnty"), names.IndexOf("event_date"), names.IndexOf("time_precision"), names.IndexOf("sub_event_type"),
            names.IndexOf("actor1"), names.IndexOf("latitude"), names.IndexOf("longitude"), names.IndexOf("geo_precision"),
            names.IndexOf("source"), names.IndexOf("notes"), names.IndexOf("fatalities"), names.Count), []);
    }
}

/// <summary>What one ACLED row becomes: an incident to record near a point, a row Posture does not take, or a bad row.</summary>
public abstract record RowVerdict(string? EventId);

/// <summary>A row that reads as an incident of <see cref="Kind"/> at a point; the nearest site decides where it goes.</summary>
public sealed record IncidentCandidate(string Id, IncidentKind Kind, double Latitude, double Longitude, IncidentReport Report) : RowVerdict(Id);

/// <summary>A well-formed row Posture does not record (not an attack, too vague in time or place, far from every site).</summary>
public sealed record SkippedRow(string? EventId, string Reason) : RowVerdict(EventId);

/// <summary>A row that cannot be read, or that Posture refused; nothing of it was recorded.</summary>
public sealed record RejectedRow(string? EventId, string Reason) : RowVerdict(EventId);

/// <summary>
/// How an ACLED row becomes a <see cref="RecordIncident"/> (docs/cli.md and ADR 0012 give the reasons):
/// sub-event type → kind; <c>event_date</c> (yyyy-MM-dd) → noon UTC that day; <c>time_precision</c> 1 → day (2 and 3,
/// a week or a month, are skipped); <c>geo_precision</c> 3 (only the region) is skipped; <c>fatalities</c> → killed,
/// injured 0 (ACLED has no injuries column); impact perimeter (ACLED does not say); confidence probable; rounds 0;
/// a named <c>actor1</c> → suspected, an unidentified one → unknown; <c>source</c> and <c>notes</c> as they are.
/// </summary>
public static class AcledRows
{
    private static readonly Guid Namespace = Guid.Parse("ac1ed000-5e7e-4c1a-9d0e-00000000acd1");

    /// <summary>ACLED's sub-event types that are attacks Posture records, and the kind each becomes.</summary>
    public static readonly IReadOnlyDictionary<string, IncidentKind> Kinds = new Dictionary<string, IncidentKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["Shelling/artillery/missile attack"] = IncidentKind.Rocket,
        ["Air/drone strike"] = IncidentKind.Drone,
        ["Remote explosive/landmine/IED"] = IncidentKind.Ied,
        ["Suicide bomb"] = IncidentKind.Ied,
        ["Armed clash"] = IncidentKind.SmallArms,
        ["Attack"] = IncidentKind.SmallArms,
        // A thrown grenade is a close-range attack by someone at the wall, not fire from out of sight; ACLED files
        // mortars under shelling, which is where indirect fire comes from.
        ["Grenade"] = IncidentKind.SmallArms,
    };

    /// <summary>
    /// The incident id of an ACLED event: the same for the same <c>event_id_cnty</c> on every run and every machine
    /// (SHA-256 of a fixed namespace and the id, marked as an RFC 9562 version 8 UUID), so an import recorded once
    /// is recognised however it is sent again.
    /// </summary>
    public static Guid IncidentIdOf(string eventId)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        var id = eventId.AsSpan().Trim();
        var length = 16 + Encoding.UTF8.GetByteCount(id);
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var input = (rented is null ? stackalloc byte[256] : rented.AsSpan())[..length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(id, input[16..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Reads one row (its fields in header order) as an incident candidate, a skip or a rejection.</summary>
    public static RowVerdict Read(AcledColumns columns, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(fields);
        string? Field(int index) => index >= 0 && index < fields.Count && !string.IsNullOrWhiteSpace(fields[index]) ? fields[index].Trim() : null;

        var eventId = Field(columns.EventId);
        if (fields.Count != columns.Count)
        {
            return new RejectedRow(eventId, $"the row has {fields.Count} fields, the header {columns.Count}");
        }

        if (eventId is null)
        {
            return new RejectedRow(null, "event_id_cnty is empty");
        }

        if (Field(columns.SubEventType) is not { } subEventType)
        {
            return new RejectedRow(eventId, "sub_event_type is empty");
        }

        if (!Kinds.TryGetValue(subEventType, out var kind))
        {
            return new SkippedRow(eventId, $"sub-event type '{subEventType}' is not an attack Posture records");
        }

        var problems = new List<string>();
        var date = Required(Field(columns.EventDate), "event_date", problems, text =>
            LocalDatePattern.Iso.Parse(text) is { Success: true } parsed ? parsed.Value : (LocalDate?)null, "a date in the form yyyy-MM-dd");
        var timePrecision = Required(Field(columns.TimePrecision), "time_precision", problems, Integer, "1, 2 or 3");
        var latitude = Required<double>(Field(columns.Latitude), "latitude", problems, text => Number(text) is { } d and >= -90 and <= 90 ? d : null,
            "a latitude in degrees (-90 to 90)");
        var longitude = Required<double>(Field(columns.Longitude), "longitude", problems, text => Number(text) is { } d and >= -180 and <= 180 ? d : null,
            "a longitude in degrees (-180 to 180)");
        var fatalities = Required(Field(columns.Fatalities), "fatalities", problems, Integer, "a whole number");
        var source = Field(columns.Source);
        if (source is null)
        {
            problems.Add("source is empty");
        }

        var geoPrecision = Field(columns.GeoPrecision) is { } geoText ? Integer(geoText) : 1;
        if (geoPrecision is null)
        {
            problems.Add($"geo_precision '{Field(columns.GeoPrecision)}' is not 1, 2 or 3");
        }

        if (problems.Count > 0)
        {
            return new RejectedRow(eventId, string.Join("; ", problems));
        }

        switch (timePrecision)
        {
            case 2 or 3:
                return new SkippedRow(eventId, $"time_precision {timePrecision} places it only within a {(timePrecision == 2 ? "week" : "month")}");
            case not 1:
                return new RejectedRow(eventId, $"time_precision '{timePrecision}' is not 1, 2 or 3");
        }

        if (geoPrecision == 3)
        {
            return new SkippedRow(eventId, "geo_precision 3 places it only within its region");
        }

        var actor = Field(columns.Actor1);
        var suspected = actor is not null && !actor.StartsWith("Unidentified", StringComparison.OrdinalIgnoreCase);
        var report = new IncidentReport(
            OccurredAt: date!.Value.At(new LocalTime(12, 0)).InUtc().ToInstant(),
            Precision: Domain.Bases.TimePrecision.Day,
            Rounds: 0,
            Impact: Impact.Perimeter,
            Killed: fatalities!.Value,
            Injured: 0,
            CasualtiesAffiliation: null,
            Attribution: suspected ? Attribution.Suspected : Attribution.Unknown,
            AttributedTo: suspected ? actor : null,
            Source: source!,
            Confidence: Confidence.Probable,
            Notes: Field(columns.Notes));
        return new IncidentCandidate(eventId, kind, latitude!.Value, longitude!.Value, report);
    }

    /// <summary>The registered site nearest a point, and how far it is; null when no site is registered.</summary>
    public static (SitePosture Site, double Kilometres)? Nearest(IEnumerable<SitePosture> sites, double latitude, double longitude)
    {
        ArgumentNullException.ThrowIfNull(sites);
        // A loop, not Select and MinBy: it runs for every row of an export, against every site (docs/adr/0033).
        (SitePosture Site, double Kilometres)? nearest = null;
        foreach (var site in sites)
        {
            var kilometres = GeoDistance.Kilometres(latitude, longitude, site.Latitude, site.Longitude);
            if (nearest is null || kilometres < nearest.Value.Kilometres)
            {
                nearest = (site, kilometres);
            }
        }

        return nearest;
    }

    private static T? Required<T>(string? text, string column, List<string> problems, Func<string, T?> parse, string expected)
        where T : struct
    {
        if (text is null)
        {
            problems.Add($"{column} is empty");
            return null;
        }

        var value = parse(text);
        if (value is null)
        {
            problems.Add($"{column} '{text}' is not {expected}");
        }

        return value;
    }

    private static int? Integer(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
