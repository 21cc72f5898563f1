using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Posture.IntegrationTests.Hostile;

/// <summary>The recorded streams a hostile request may name: one of each kind, so an id can be of the wrong kind.</summary>
public sealed record KnownStreams(Guid Base, Guid Contractor, Guid Mission, Guid Incident)
{
    public Guid Of(StreamKind kind) => kind switch
    {
        StreamKind.Base => Base,
        StreamKind.Contractor => Contractor,
        StreamKind.Mission => Mission,
        _ => Incident,
    };

    public IEnumerable<Guid> Except(StreamKind kind) =>
        Enum.GetValues<StreamKind>().Where(k => k != kind).Select(Of);

    public IReadOnlyList<Guid> All => [Base, Contractor, Mission, Incident];
}

public enum StreamKind
{
    Base,
    Contractor,
    Mission,
    Incident,
}

/// <summary>
/// One hostile request. <see cref="MustRefuse"/> is true when no reading of it is a valid command (malformed JSON, a
/// field of the wrong type, an id of the wrong kind...): then a 2xx is a bug. Otherwise (an extreme but well-formed
/// value, a field left out) the service may accept it or refuse it; it must never fail.
/// </summary>
public sealed record HostileRequest(string Url, string? ContentType, byte[] Body, bool MustRefuse, string Why)
{
    /// <summary>A header sent with the request, when the case has one.</summary>
    public (string Name, string Value)? Header { get; init; }

    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Body);
        var preview = text.Length > 300 ? $"{text[..300]}… ({Body.Length} bytes)" : text;
        var header = Header is { } h ? $" {h.Name}: {(h.Value.Length > 60 ? h.Value[..60] + "…" : h.Value)}" : "";
        return $"POST {Url} [{ContentType ?? "no content type"}]{header} {(MustRefuse ? "must refuse" : "may accept")}: {Why}\n{preview}";
    }
}

/// <summary>Generators of hostile requests for one write endpoint, built from what the endpoint declares.</summary>
public static class HostileRequests
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    /// <summary>A valid instant shortly before the test host's clock.</summary>
    private const string RecentInstant = "2021-02-21T08:00:00Z";

    private sealed record Part(string Text, bool MustRefuse, string Why);

    /// <summary>A body field's raw JSON value: bytes, so invalid UTF-8 can be put inside.</summary>
    private sealed record Value(byte[] Json, bool MustRefuse, string Why)
    {
        public static Value Of(string json, bool mustRefuse, string why) => new(Utf8.GetBytes(json), mustRefuse, why);
    }

    public static Gen<HostileRequest> For(WriteEndpoint endpoint, KnownStreams known)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var url = Url(endpoint, known);
        var body = endpoint.Body is { } fields ? Body(fields, known) : Gen.Elements(BodylessBodies());
        var header = Gen.Frequency((6, Gen.Constant<HeaderPart?>(null)), (1, Gen.Elements(HostileHeaders).Select(h => (HeaderPart?)h)));
        return url.SelectMany(u => body, (u, b) => (u, b)).SelectMany(ub => header, (ub, h) =>
            new HostileRequest(ub.u.Text, ub.b.ContentType, ub.b.Bytes, ub.u.MustRefuse || ub.b.MustRefuse || (h?.MustRefuse ?? false),
                $"{ub.u.Why}; {ub.b.Why}{(h is null ? "" : $"; {h.Why}")}".Trim(' ', ';'))
            {
                Header = h is null ? null : (h.Name, h.Value),
            });
    }

    // ---- headers ----------------------------------------------------------------------------------------------

    private sealed record HeaderPart(string Name, string Value, bool MustRefuse, string Why);

    private static readonly HeaderPart[] HostileHeaders =
    [
        new("Idempotency-Key", " ", true, "a blank idempotency key"),
        new("Idempotency-Key", new string('k', 201), true, "a 201-character idempotency key"),
        new("Idempotency-Key", "retry 1 ☃", false, "an idempotency key with a space and a snowman"),
        new("If-Match", "garbage", true, "an If-Match that is no entity tag"),
        new("If-Match", "\"-1\"", true, "If-Match version -1"),
        new("If-Match", "\"99999999999999999999\"", true, "If-Match past a long"),
        new("If-Match", "\"999\"", false, "If-Match version 999"),
        new("If-Match", "W/\"1\"", false, "a weak If-Match"),
        new("If-Match", "*", false, "If-Match *"),
        new("X-Posture-User", new string('u', 10_000), false, "a 10,000-character user"),
        new("X-Posture-User", "  ", false, "a blank user"),
    ];

    // ---- the route --------------------------------------------------------------------------------------------

    /// <summary>A route template with each id filled in: mostly the right kind of id, else a wrong, unknown or malformed one.</summary>
    public static Gen<string> Route(string template, KnownStreams known) => Url(template, known).Select(p => p.Text);

    private static Gen<Part> Url(WriteEndpoint endpoint, KnownStreams known) => Url(endpoint.Route, known);

    private static Gen<Part> Url(string template, KnownStreams known)
    {
        var route = Gen.Constant(new Part(template, false, ""));
        foreach (var parameter in template.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}')))
        {
            var kind = KindBefore(template, parameter);
            route = route.SelectMany(_ => RouteId(kind, known), (r, id) => new Part(
                r.Text.Replace($"{{{parameter}}}", id.Text, StringComparison.Ordinal),
                r.MustRefuse || id.MustRefuse,
                id.Why.Length == 0 ? r.Why : $"{r.Why} {parameter}: {id.Why}".Trim()));
        }

        return route;
    }

    /// <summary>The kind of stream a route parameter names, from the segment before it (bases/{id}, missions/{id}...).</summary>
    private static StreamKind? KindBefore(string route, string parameter)
    {
        var segments = route.Split('/');
        var before = segments[Array.IndexOf(segments, $"{{{parameter}}}") - 1];
        return before switch
        {
            "bases" or "sites" => StreamKind.Base,
            "contractors" => StreamKind.Contractor,
            "missions" => StreamKind.Mission,
            "incidents" => StreamKind.Incident,
            _ => null,
        };
    }

    private static Gen<Part> RouteId(StreamKind? kind, KnownStreams known)
    {
        var junk = Gen.Elements(
            new Part("not-an-id", true, "not an id"),
            new Part("0", true, "a number for an id"),
            new Part("-1", true, "a negative number for an id"),
            new Part(Guid.Empty.ToString(), true, "the empty id"),
            new Part(new string('f', 4000), true, "a 4,000-character id"),
            new Part("%FF%FE", true, "percent-encoded invalid UTF-8"),
            new Part(Uri.EscapeDataString("' or 1=1 --"), true, "SQL in the id"),
            new Part("{id}", true, "the template itself"));
        var random = Gen.Fresh(() => new Part(Guid.NewGuid().ToString(), true, "an id nothing has"));
        if (kind is not { } k)
        {
            return Gen.OneOf(junk, random);
        }

        var wrong = Gen.Elements(known.Except(k).Select(id => new Part(id.ToString(), true, "an id of another kind of stream")).ToArray());
        return Gen.Frequency((7, Gen.Constant(new Part(known.Of(k).ToString(), false, ""))), (1, wrong), (1, random), (1, junk));
    }

    // ---- the body ---------------------------------------------------------------------------------------------

    private sealed record BodyBytes(string? ContentType, byte[] Bytes, bool MustRefuse, string Why);

    private static BodyBytes Json(string json, bool mustRefuse, string why) => new("application/json", Utf8.GetBytes(json), mustRefuse, why);

    /// <summary>An endpoint without a body ignores one: whatever is sent, it may answer as it would without.</summary>
    private static BodyBytes[] BodylessBodies() =>
    [
        new(null, [], false, "no body"),
        Json("{}", false, "an empty object"),
        new("text/plain", [0xFF, 0xFE, 0x00], false, "invalid UTF-8"),
    ];

    private static Gen<BodyBytes> Body(IReadOnlyList<BodyField> fields, KnownStreams known)
    {
        var valid = fields.Select(f => (f.Name, Value: Valid(f, known))).ToList();
        return Gen.Frequency(
            (6, FieldMutations(fields, valid, known)),
            (2, WholeBodyGarbage(valid)),
            (1, WrongContentType(valid)));
    }

    private static Gen<BodyBytes> FieldMutations(IReadOnlyList<BodyField> fields, List<(string Name, Value Value)> valid, KnownStreams known)
    {
        var mutation = Gen.Choose(0, fields.Count - 1).SelectMany(i => Mutation(fields[i], known), (i, m) => (Index: i, Mutation: m));
        return Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(mutation, n), (_, mutations) =>
        {
            var body = valid.Select(v => ((string Name, Value? Value))v).ToList();
            var extra = new List<(string Name, Value Value)>();
            var last = new Dictionary<int, Mutated>();
            foreach (var (index, m) in mutations)
            {
                if (m.Name == "unexpected")
                {
                    extra.Add(("unexpectedField", m.Value!));
                }
                else
                {
                    // A later mutation of the same field replaces an earlier one: only what is sent counts.
                    body[index] = (body[index].Name, m.Value);
                    last[index] = m;
                }
            }

            var all = body.Where(b => b.Value is not null).Select(b => (b.Name, Value: b.Value!)).Concat(extra).ToList();
            var bytes = Object(all);
            return new BodyBytes("application/json", bytes, last.Values.Any(m => m.Value?.MustRefuse ?? false) || extra.Count > 0,
                string.Join(", ", mutations.Select(m => $"{fields[m.Index].Name}: {m.Mutation.Why}")));
        });
    }

    private sealed record Mutated(string Name, Value? Value, string Why);

    private static byte[] Object(IEnumerable<(string Name, Value Value)> fields)
    {
        var bytes = new List<byte> { (byte)'{' };
        var first = true;
        foreach (var (name, value) in fields)
        {
            if (!first)
            {
                bytes.Add((byte)',');
            }

            first = false;
            bytes.AddRange(Utf8.GetBytes($"\"{name}\":"));
            bytes.AddRange(value.Json);
        }

        bytes.Add((byte)'}');
        return [.. bytes];
    }

    /// <summary>A value the field accepts, so that a request's only faults are the ones a mutation puts in.</summary>
    private static Value Valid(BodyField field, KnownStreams known) => field.Kind switch
    {
        FieldKind.Id when field.Name == "baseId" => Value.Of($"\"{known.Base}\"", false, ""),
        FieldKind.Id => Value.Of($"\"{Guid.NewGuid()}\"", false, ""),
        FieldKind.Ids => Value.Of($"[\"{known.Base}\"]", false, ""),
        FieldKind.WholeNumber => Value.Of("1", false, ""),
        FieldKind.Number when field.Name == "latitude" => Value.Of("33.9", false, ""),
        FieldKind.Number when field.Name == "longitude" => Value.Of("44.3", false, ""),
        FieldKind.Number => Value.Of("1.5", false, ""),
        FieldKind.Instant => Value.Of($"\"{RecentInstant}\"", false, ""),
        FieldKind.Word => Value.Of($"\"{field.Words[0]}\"", false, ""),
        _ => Value.Of("\"hostile input\"", false, ""),
    };

    private static Gen<Mutated> Mutation(BodyField field, KnownStreams known)
    {
        var common = new List<Mutated>
        {
            new(field.Name, null, "left out"),
            new(field.Name, Value.Of("null", false, "null"), "null"),
            new("unexpected", Value.Of("1", true, "an unknown field"), "an extra unknown field"),
            new(field.Name, Value.Of("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                + new string(']', 140), true, "nested 140 deep"), "nested 140 deep"),
            new(field.Name, new Value([(byte)'"', 0x68, 0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80, (byte)'"'], true, "invalid UTF-8"), "invalid UTF-8 in a string"),
            new(field.Name, Value.Of("{\"$type\":\"System.IO.FileInfo\"}", true, "an object"), "an object"),
            new(field.Name, Value.Of("true", field.Kind != FieldKind.Other, "true"), "a boolean"),
        };
        var specific = field.Kind switch
        {
            FieldKind.Id => IdValues(field, known),
            FieldKind.Ids => IdListValues(known),
            FieldKind.WholeNumber => WholeNumberValues(),
            FieldKind.Number => NumberValues(),
            FieldKind.Instant => InstantValues(),
            FieldKind.Word => WordValues(field),
            FieldKind.Text => TextValues(),
            _ => [],
        };
        return Gen.Elements(common.Concat(specific.Select(v => new Mutated(field.Name, v, v.Why))).ToArray());
    }

    private static IEnumerable<Value> IdValues(BodyField field, KnownStreams known)
    {
        yield return Value.Of("\"not-an-id\"", true, "not an id");
        yield return Value.Of("42", true, "a number for an id");
        yield return Value.Of($"\"{Guid.Empty}\"", true, "the empty id");
        if (field.Name == "baseId")
        {
            foreach (var id in known.Except(StreamKind.Base))
            {
                yield return Value.Of($"\"{id}\"", true, "an id of another kind of stream");
            }

            yield return Value.Of($"\"{Guid.NewGuid()}\"", true, "a base nothing has");
        }
        else if (field.Name == "id")
        {
            // A new stream's id: one already taken, by any kind of stream, must be refused.
            foreach (var id in known.All.Take(3))
            {
                yield return Value.Of($"\"{id}\"", true, "an id already taken");
            }
        }
    }

    private static IEnumerable<Value> IdListValues(KnownStreams known)
    {
        yield return Value.Of("[]", false, "no ids");
        yield return Value.Of($"[\"{known.Contractor}\"]", true, "an id of another kind of stream");
        yield return Value.Of($"[\"{Guid.NewGuid()}\"]", true, "a base nothing has");
        yield return Value.Of($"[\"{known.Base}\",\"{known.Base}\"]", false, "the same id twice");
        yield return Value.Of("[\"not-an-id\"]", true, "not an id");
        yield return Value.Of("[" + string.Join(",", Enumerable.Range(0, 3000).Select(_ => $"\"{Guid.NewGuid()}\"")) + "]", true, "3,000 unknown ids");
        yield return Value.Of($"\"{known.Base}\"", true, "one id, not a list");
    }

    private static IEnumerable<Value> WholeNumberValues()
    {
        yield return Value.Of("2147483648", true, "int.MaxValue + 1");
        yield return Value.Of("-2147483649", true, "int.MinValue - 1");
        yield return Value.Of("99999999999999999999999999999999", true, "a 32-digit number");
        yield return Value.Of("1e400", true, "1e400");
        yield return Value.Of("1.5", true, "a fraction");
        yield return Value.Of("\"NaN\"", true, "NaN");
        yield return Value.Of("\"Infinity\"", true, "Infinity");
        yield return Value.Of("\"many\"", true, "a word for a number");
        yield return Value.Of("2147483647", false, "int.MaxValue");
        yield return Value.Of("-2147483648", false, "int.MinValue");
        yield return Value.Of("-1", false, "-1");
        yield return Value.Of("0", false, "0");
        yield return Value.Of("\"7\"", false, "a number in a string");
    }

    private static IEnumerable<Value> NumberValues()
    {
        yield return Value.Of("1e400", true, "1e400 (past a double)");
        yield return Value.Of("\"NaN\"", true, "NaN");
        yield return Value.Of("\"-Infinity\"", true, "-Infinity");
        yield return Value.Of("\"north\"", true, "a word for a number");
        yield return Value.Of("1.7976931348623157e308", false, "double.MaxValue");
        yield return Value.Of("-1.7976931348623157e308", false, "-double.MaxValue");
        yield return Value.Of("4.9e-324", false, "the smallest double");
        yield return Value.Of("-0.0", false, "-0");
        yield return Value.Of("-91", false, "-91");
        yield return Value.Of("181", false, "181");
    }

    private static IEnumerable<Value> InstantValues()
    {
        yield return Value.Of("\"0001-01-01T00:00:00Z\"", false, "year 1");
        yield return Value.Of("\"9999-12-31T23:59:59.999999999Z\"", false, "the last instant of 9999");
        yield return Value.Of("\"-9998-01-01T00:00:00Z\"", false, "year -9998, the first NodaTime has");
        yield return Value.Of("\"1970-01-01T00:00:00Z\"", false, "the Unix epoch");
        yield return Value.Of("\"2021-02-21T09:00:00.000000001Z\"", false, "a nanosecond after now");
        yield return Value.Of("\"10000-01-01T00:00:00Z\"", true, "year 10000");
        yield return Value.Of("\"2021-02-30T00:00:00Z\"", true, "30 February");
        yield return Value.Of("\"2021-02-20T17:30:00+03:00\"", true, "an offset instead of Z");
        yield return Value.Of("\"2021-02-20\"", true, "a date without a time");
        yield return Value.Of("\"\"", true, "an empty string");
        yield return Value.Of("1613842200", true, "Unix seconds");
        yield return Value.Of("\"yesterday\"", true, "a word for an instant");
    }

    private static IEnumerable<Value> WordValues(BodyField field)
    {
        yield return Value.Of("\"nuclear\"", true, "an unknown word");
        yield return Value.Of("\"\"", true, "an empty word");
        yield return Value.Of("1", true, "a number for a word");
        yield return Value.Of("999", true, "a number past the words");
        yield return Value.Of($"\"{field.Words[^1].ToUpperInvariant()}\"", false, "a word in capitals");
        yield return Value.Of($"\"{field.Words[^1]},{field.Words[0]}\"", true, "two words as flags");
    }

    private static IEnumerable<Value> TextValues()
    {
        yield return Value.Of("42", true, "a number for text");
        yield return Value.Of("[\"a\"]", true, "a list for text");
        yield return Value.Of("\"\"", false, "empty text");
        yield return Value.Of("\"   \"", false, "blank text");
        yield return Value.Of($"\"{new string('x', 300)}\"", false, "300 characters");
        yield return Value.Of($"\"{new string('x', 20_000)}\"", false, "20,000 characters");
        yield return Value.Of($"\"{new string('x', 70_000)}\"", false, "70,000 characters (past the body limit)");
        yield return Value.Of("\"\\u0000\\u0007\\u001b[31m\"", false, "control characters");
        yield return Value.Of("\"\\ud800\"", false, "a lone surrogate");
        yield return Value.Of("\"\u202Eevil\u200B🚀\"", false, "bidi override, zero-width space and an emoji");
        yield return Value.Of("\"'); drop table mt_events; --\"", false, "SQL");
    }

    private static Gen<BodyBytes> WholeBodyGarbage(List<(string Name, Value Value)> valid)
    {
        var json = Utf8.GetString(Object(valid));
        return Gen.OneOf(
            Gen.Elements(
                new BodyBytes("application/json", [], true, "an empty body"),
                new BodyBytes(null, [], true, "no body and no content type"),
                Json("null", true, "null"),
                Json("[]", true, "an array"),
                Json("42", true, "a number"),
                Json("\"text\"", true, "a string"),
                Json("true", true, "a boolean"),
                Json(json[..(json.Length / 2)], true, "cut in half"),
                Json(json + "}", true, "a stray closing brace"),
                Json(json + json, true, "two objects"),
                Json(json.Replace("\"", "'", StringComparison.Ordinal), true, "single quotes"),
                Json(json.Replace(":", "=", StringComparison.Ordinal), true, "= for :"),
                Json(new string('[', 5000) + new string(']', 5000), true, "nested 5,000 deep"),
                Json(string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000), true, "objects nested 2,000 deep"),
                new BodyBytes("application/json", [0xEF, 0xBB, 0xBF, .. Utf8.GetBytes(json)], false, "a UTF-8 byte-order mark"),
                new BodyBytes("application/json", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(json)], true, "UTF-16"),
                new BodyBytes("application/json", [0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D], true, "an overlong UTF-8 encoding in a name")),
            Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 200).Select(bytes =>
                new BodyBytes("application/json", bytes, true, "200 random bytes")));
    }

    private static Gen<BodyBytes> WrongContentType(List<(string Name, Value Value)> valid)
    {
        var json = Object(valid);
        return Gen.Elements(
            new BodyBytes("text/plain", json, true, "valid JSON sent as text/plain"),
            new BodyBytes("application/x-www-form-urlencoded", json, true, "valid JSON sent as a form"),
            new BodyBytes("application/xml", json, true, "valid JSON sent as XML"),
            new BodyBytes("multipart/form-data; boundary=x", json, true, "valid JSON sent as multipart"),
            new BodyBytes(null, json, false, "valid JSON without a content type"),
            new BodyBytes("application/json; charset=utf-8", json, false, "application/json with a charset"),
            new BodyBytes("application/problem+json", json, false, "another JSON media type"));
    }
}
