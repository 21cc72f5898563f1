using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Posture.IntegrationTests.Hostile;

/// <summary>A malformed (or merely odd) ACLED export, and what was done to it.</summary>
public sealed record HostileFile(byte[] Bytes, string Why)
{
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Bytes);
        return $"{Why} ({Bytes.Length} bytes):\n{(text.Length > 600 ? text[..600] + "…" : text)}";
    }
}

/// <summary>Generators of hostile CSV files for <c>posture import</c>: bad headers, bad rows, bad bytes, odd line endings.</summary>
public static class HostileFiles
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    public static readonly string[] Header =
    [
        "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
        "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
        "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
    ];

    private static readonly string[] Required = ["event_id_cnty", "event_date", "time_precision", "sub_event_type", "latitude", "longitude", "source", "fatalities"];

    /// <summary>A rocket attack on Balad the day before the test clock's morning: imported unless a mutation spoils it.</summary>
    private static string[] ValidRow(string id) =>
    [
        id, "2021-02-20", "2021", "1", "Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack",
        "Unidentified Armed Group (Iraq)", "", "Rebel group", "", "", "", "", "", "368", "Middle East", "Iraq", "Salah al-Din", "", "",
        "Balad Air Base", "33.9400", "44.3600", "1", "Shafaq News", "National", "Rockets landed inside the perimeter.", "0", "", "1614470400",
    ];

    private sealed record Line(byte[] Bytes, string Why);

    public static Gen<HostileFile> Any() =>
        Gen.Frequency(
            (1, WholeFileGarbage()),
            (6, Structured()));

    private static Gen<HostileFile> WholeFileGarbage() =>
        Gen.OneOf(
            Gen.Elements(
                new HostileFile([], "an empty file"),
                new HostileFile([0xEF, 0xBB, 0xBF], "only a byte-order mark"),
                new HostileFile("\r\n\n\r"u8.ToArray(), "only line breaks"),
                new HostileFile(new byte[512], "512 NUL bytes"),
                new HostileFile("\"\"\"\"\"\n\"\n"u8.ToArray(), "only quotes"),
                new HostileFile(Encoding.Unicode.GetBytes(string.Join(",", Header) + "\n"), "a UTF-16 header without a byte-order mark"),
                new HostileFile([0xFF, 0xFE, .. Encoding.Unicode.GetBytes(string.Join(",", Header) + "\n" + string.Join(",", ValidRow("IRQ-UTF16")) + "\n")],
                    "UTF-16 with its byte-order mark")),
            Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 300).Select(bytes => new HostileFile(bytes, "300 random bytes")));

    private static Gen<HostileFile> Structured() =>
        from bom in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from header in HeaderLine()
        from rows in Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(Row(), n))
        from endings in Gen.ListOf(Gen.Elements("\n", "\r\n", "\r", "\n\n"), rows.Count + 1)
        from lastEnding in Gen.Elements(true, false)
        select Assemble(bom, header, rows, endings, lastEnding);

    private static HostileFile Assemble(bool bom, Line header, List<Line> rows, List<string> endings, bool lastEnding)
    {
        var bytes = new List<byte>();
        if (bom)
        {
            bytes.AddRange([0xEF, 0xBB, 0xBF]);
        }

        var lines = rows.Prepend(header).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            bytes.AddRange(lines[i].Bytes);
            if (i < lines.Count - 1 || lastEnding)
            {
                bytes.AddRange(Utf8.GetBytes(endings[i]));
            }
        }

        var why = $"{(bom ? "BOM, " : "")}{header.Why}; rows: {(rows.Count == 0 ? "none" : string.Join("; ", rows.Select(r => r.Why)))}; "
                  + $"line endings {string.Join(" ", endings.Select(e => e.Replace("\r", "CR", StringComparison.Ordinal).Replace("\n", "LF", StringComparison.Ordinal)))}";
        return new HostileFile([.. bytes], why);
    }

    private static Gen<Line> HeaderLine()
    {
        Line Of(IEnumerable<string> columns, string why) => new(Utf8.GetBytes(string.Join(",", columns)), why);
        return Gen.Frequency(
            (6, Gen.Constant(Of(Header, "the ACLED header"))),
            (1, Gen.Elements(Required).Select(missing => Of(Header.Where(c => c != missing), $"a header without {missing}"))),
            (1, Gen.Elements(
                Of(Header.Select(c => c.ToUpperInvariant()), "the header in capitals"),
                Of(Header.Select(c => $" {c} "), "the header with spaces around names"),
                Of(Header.Select(c => $"\"{c}\""), "the header quoted"),
                Of(Header.Concat(Header), "every column twice"),
                Of(Header.Reverse(), "the columns in reverse order"),
                Of(Header.Select(c => c.Replace('_', ';')), "semicolons in the names"),
                Of([string.Join(";", Header)], "semicolon-separated"),
                Of(["\"event_id_cnty,event_date"], "an unbalanced quote in the header"),
                new Line([.. Utf8.GetBytes("event_id_cnty,"), 0xC3, 0x28, .. Utf8.GetBytes("," + string.Join(",", Header.Skip(1)))],
                    "invalid UTF-8 in the header"),
                Of([new string('x', 200_000)], "one 200,000-character column name"),
                Of([], "an empty header line"))));
    }

    private static Gen<Line> Row() =>
        Gen.Fresh(() => $"IRQ-FUZZ-{Guid.NewGuid():N}").SelectMany(id => Gen.Frequency(
            (3, Gen.Constant(Text(ValidRow(id), "a valid attack on Balad"))),
            (4, FieldMutation(id)),
            (1, Gen.Elements(
                Text(ValidRow(id).Take(10), "a row cut short"),
                Text(ValidRow(id).Concat(["extra", "fields"]), "two fields too many"),
                new Line(Utf8.GetBytes($"\"{id},2021-02-20,"), "a quote never closed"),
                new Line(Utf8.GetBytes(string.Join(",", ValidRow(id)).Replace("Shafaq News", "Shafaq \"News\" agency", StringComparison.Ordinal)),
                    "a stray quote inside a field"),
                new Line([], "an empty line"),
                new Line(Utf8.GetBytes(new string(',', 30)), "only separators"),
                new Line([0xFF, 0xFE, 0x00, 0x01, 0x80, 0x81], "bytes that are not text"))),
            (1, Gen.ArrayOf(Gen.Choose(1, 255).Where(b => b is not (10 or 13)).Select(b => (byte)b), 120)
                .Select(bytes => new Line(bytes, "120 random bytes")))));

    private static Line Text(IEnumerable<string> fields, string why) => new(Utf8.GetBytes(string.Join(",", fields)), why);

    private static Gen<Line> FieldMutation(string id)
    {
        var mutations = new (int Column, string Value, string Why)[]
        {
            (1, "0001-01-01", "year 1"),
            (1, "9999-12-31", "31 December 9999"),
            (1, "10000-01-01", "year 10000"),
            (1, "-2021-01-01", "a negative year"),
            (1, "2021-02-29", "29 February 2021"),
            (1, "2021-13-01", "month 13"),
            (1, "20/02/2021", "a day-first date"),
            (1, "", "no date"),
            (3, "99999999999999999999", "a 20-digit time precision"),
            (3, "-1", "time precision -1"),
            (22, "NaN", "latitude NaN"),
            (22, "Infinity", "latitude Infinity"),
            (22, "1e400", "latitude 1e400"),
            (22, "-91", "latitude -91"),
            (23, "33,94", "a decimal comma (an extra field)"),
            (23, "\"44,36\"", "a quoted decimal comma"),
            (24, "3", "geo precision: region only"),
            (28, "2147483648", "fatalities past int.MaxValue"),
            (28, "-5", "negative fatalities"),
            (28, "1.5", "fractional fatalities"),
            (25, new string('s', 100_000), "a 100,000-character source"),
            (27, new string('n', 1_000_000), "a 1,000,000-character note"),
            (25, "\u0000\u001b[2J", "control characters in the source"),
            (7, "\u202Eevil", "a bidi override in the actor"),
            (6, "Shelling/artillery/missile attack\u0000", "a NUL after the sub-event type"),
            (0, "", "no event id"),
            (0, new string('i', 5000), "a 5,000-character event id"),
        };
        return Gen.Elements(mutations).Select(m =>
        {
            var fields = ValidRow(id);
            fields[m.Column] = m.Value;
            return Text(fields, m.Why);
        });
    }
}
