using System.Buffers;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Npgsql;
using Posture.Infrastructure.Storage;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Storage;

/// <summary>
/// <see cref="JsonbText"/> renders a payload as PostgreSQL renders it once stored as jsonb, so the import can hash
/// what will be stored without asking the server (docs/adr/0029). A wrong rendering would store hashes that
/// <c>posture audit verify</c> reports as tampering, so it is compared with the server itself over generated
/// documents: whatever it renders must be the server's text exactly, and what it is not sure of it must refuse.
/// </summary>
public sealed class when_rendering_jsonb_text_in_process(TestPostgres postgres)
{
    /// <summary>Documents per round trip, and round trips: a few thousand documents in a few seconds.</summary>
    private const int Documents = 100;

    private const int Batches = 40;

    [Fact]
    public async Task whatever_it_renders_is_the_servers_text_and_what_the_server_refuses_it_refuses()
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateDatabaseAsync("posture_jsonb_text"));
        await connection.OpenAsync();
        var rendered = 0;
        var refused = 0;
        await Task.Run(() => Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(Batches).WithName("jsonb text"),
            Prop.ForAll(Arb.From(Gen.ArrayOf(GeneratedJson.Document(), Documents)), documents =>
            {
                var server = ServerTextAsync(connection, documents).GetAwaiter().GetResult();
                for (var i = 0; i < documents.Length; i++)
                {
                    var ours = JsonbText.Render(documents[i]);
                    if (ours is null)
                    {
                        Interlocked.Increment(ref refused);
                        continue;
                    }

                    Interlocked.Increment(ref rendered);
                    ours.ShouldBe(server[i], $"the rendering of {documents[i]}");
                    // From UTF-8 to UTF-8, as the import renders its payloads (docs/adr/0033): the same text.
                    RenderedUtf8(documents[i]).ShouldBe(Encoding.UTF8.GetBytes(ours), $"the UTF-8 rendering of {documents[i]}");
                }
            })));

        TestContext.Current.TestOutputHelper?.WriteLine($"{rendered} rendered here, {refused} left to the server");
        rendered.ShouldBeGreaterThan(Documents * Batches / 2, "most documents are rendered here, or the shortcut saves nothing");
        refused.ShouldBeGreaterThan(0, "the generator reaches the cases that must be refused");
    }

    [Theory]
    [InlineData("""{"b":1,"a":2,"aa":3,"é":4,"z":5}""", """{"a": 2, "b": 1, "z": 5, "aa": 3, "é": 4}""")]
    [InlineData("""{"x":[1, 2.50,-3,{"y":"\u00e9\/\ud83d\ude00\u001F\n"}],"e":{},"f":[]}""", """{"e": {}, "f": [], "x": [1, 2.50, -3, {"y": "é/😀\u001f\n"}]}""")]
    [InlineData("""{"t":true,"f":false,"n":null,"q":"a\"b\\c"}""", """{"f": false, "n": null, "q": "a\"b\\c", "t": true}""")]
    public void it_sorts_keys_by_their_byte_length_then_bytes_and_writes_strings_as_the_server_does(string json, string expected) =>
        JsonbText.Render(json).ShouldBe(expected);

    [Theory]
    [InlineData("""{"a":1e3}""")]
    [InlineData("""{"a":-0}""")]
    [InlineData("""{"a":-0.00}""")]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"a":"\u0000"}""")]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""{"a":1""")]
    [InlineData("""{"a":1} {}""")]
    public void it_refuses_what_it_is_not_sure_of(string json)
    {
        JsonbText.Render(json).ShouldBeNull();
        RenderedUtf8(json).ShouldBeNull();
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D })]
    public void it_refuses_bytes_that_are_not_utf8(byte[] json)
    {
        var rendered = new ArrayBufferWriter<byte>();
        JsonbText.TryRenderUtf8(json, rendered).ShouldBeFalse();
        rendered.WrittenCount.ShouldBe(0);
    }

    /// <summary>What <see cref="JsonbText.TryRenderUtf8"/> writes for the document's UTF-8, after a piece already written; null when it refuses (and wrote nothing).</summary>
    private static byte[]? RenderedUtf8(string json)
    {
        var rendered = new ArrayBufferWriter<byte>();
        rendered.Write("before"u8);
        if (!JsonbText.TryRenderUtf8(Encoding.UTF8.GetBytes(json), rendered))
        {
            rendered.WrittenCount.ShouldBe("before"u8.Length, "a refusal writes nothing");
            return null;
        }

        return rendered.WrittenSpan["before"u8.Length..].ToArray();
    }

    /// <summary>The server's text for each document, or null where it refuses the document as jsonb.</summary>
    private static async Task<string?[]> ServerTextAsync(NpgsqlConnection connection, string[] documents)
    {
        var texts = new string?[documents.Length];
        for (var i = 0; i < documents.Length; i++)
        {
            // One at a time: the server refuses some of them (\u0000, a lone surrogate), each in its own statement.
            await using var select = new NpgsqlCommand("select $1::jsonb::text", connection);
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = documents[i] });
            try
            {
                texts[i] = (string?)await select.ExecuteScalarAsync();
            }
            catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal))
            {
                texts[i] = null;
            }
        }

        return texts;
    }
}

/// <summary>
/// JSON text as a writer might produce it: nested objects and arrays, keys of many lengths (some non-ASCII, so bytes and
/// characters differ), strings with every kind of escape and character, integers and decimals (trailing zeros,
/// negatives, exponents, negative zero), duplicate keys, and whitespace between tokens.
/// </summary>
internal static class GeneratedJson
{
    private static readonly string[] Characters =
        ["a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\b", "\f", "\r", "\u0001", "\u001f", "\u007f", "é", "ß", "中", "😀", "\u2028"];

    /// <summary>What the server refuses in a string (so must this), rarely, or most documents would be refused.</summary>
    private static readonly string[] Refused = ["\0", "\ud800"];

    public static Gen<string> Document() =>
        from value in Object(3)
        select value;

    private static Gen<string> Value(int depth) =>
        depth == 0
            ? Scalar()
            : Gen.Frequency((6, Scalar()), (2, Object(depth - 1)), (1, Array(depth - 1)));

    private static Gen<string> Scalar() =>
        Gen.Frequency((4, String()), (3, Number()), (1, Gen.Elements("true", "false", "null")));

    private static Gen<string> Object(int depth) =>
        from count in Gen.Choose(0, 6)
        from keys in Gen.ListOf(Key(), count)
        from values in Gen.ListOf(Value(depth), count)
        from space in Space()
        select "{" + space + string.Join("," + space, keys.Zip(values, (k, v) => k + space + ":" + space + v)) + "}";

    private static Gen<string> Array(int depth) =>
        from count in Gen.Choose(0, 4)
        from values in Gen.ListOf(Value(depth), count)
        from space in Space()
        select "[" + string.Join("," + space, values) + space + "]";

    private static Gen<string> Key() =>
        Gen.Frequency(
            (3, Gen.Elements(
                "\"a\"", "\"b\"", "\"id\"", "\"kind\"", "\"report\"", "\"é\"", "\"ab\"", "\"zz\"", "\"occurredAt\"", "\"\\u00e9\"", "\"baseId\"",
                "\"notes\"", "\"killed\"", "\"source\"", "\"ß\"", "\"中中\"", "\"\"", "\"incidentId\"", "\"rounds\"", "\"x\"", "\"y\"")),
            (2, String()));

    private static Gen<string> Space() => Gen.Elements("", "", " ", "\n ");

    private static Gen<string> String() =>
        from count in Gen.Choose(0, 8)
        from pieces in Gen.ListOf(Gen.Frequency((60, Gen.Elements(Characters)), (1, Gen.Elements(Refused))).SelectMany(Written), count)
        select "\"" + string.Concat(pieces) + "\"";

    /// <summary>A character as it may be written in a JSON string: itself where JSON allows, or one of its escapes.</summary>
    private static Gen<string> Written(string character)
    {
        var escapes = new List<string>();
        foreach (var unit in character)
        {
            escapes.Add(string.Create(CultureInfo.InvariantCulture, $"\\u{(int)unit:x4}"));
        }

        var upper = string.Concat(character.Select(unit => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)unit:X4}")));
        // A lone surrogate only escaped: as a character it is not text at all (the client could not even send it).
        var literal = character.Length == 1 && (character[0] < ' ' || character[0] is '"' or '\\' || char.IsSurrogate(character[0])) ? null : character;
        var shortEscape = character switch
        {
            "\"" => "\\\"", "\\" => "\\\\", "/" => "\\/", "\n" => "\\n", "\t" => "\\t", "\b" => "\\b", "\f" => "\\f", "\r" => "\\r", _ => null,
        };
        string?[] forms = [literal, shortEscape, string.Concat(escapes), upper];
        return Gen.Elements(forms.Where(f => f is not null).Select(f => f!).ToArray());
    }

    private static Gen<string> Number() =>
        Gen.Frequency(
            (4, Gen.Choose(-1_000_000, 1_000_000).Select(i => i.ToString(CultureInfo.InvariantCulture))),
            (3, from whole in Gen.Choose(-1_000, 1_000)
                from digits in Gen.Choose(1, 6)
                from fraction in Gen.Choose(0, 999_999)
                select Decimal(whole, fraction.ToString(CultureInfo.InvariantCulture).PadLeft(6, '0')[..digits])),
            (1, Gen.Elements("0", "0.0", "-1.10", "123456789012345678901234567890", "0.000000001", "-0.5")),
            (1, Gen.Frequency((1, Gen.Elements("1e3", "2.5E-7", "-0", "-0.0")), (9, Gen.Constant("7")))));

    private static string Decimal(int whole, string fraction) =>
        new StringBuilder().Append(whole.ToString(CultureInfo.InvariantCulture)).Append('.').Append(fraction).ToString();
}
