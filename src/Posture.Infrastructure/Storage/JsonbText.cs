using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Posture.Infrastructure.Storage;

/// <summary>
/// The text PostgreSQL gives for a JSON document once it is stored as <c>jsonb</c> (<c>data::text</c>), computed here,
/// so a bulk writer can hash what will be stored (<see cref="Audit.EventChain"/>) without a round trip that has the
/// server parse and render every payload (docs/adr/0029). PostgreSQL's rules (src/backend/utils/adt/jsonb.c and
/// jsonb_util.c): an object's keys sorted by their length in UTF-8 bytes, then byte by byte; <c>", "</c> between
/// members and elements and <c>": "</c> after a key; strings with their escapes decoded and written again escaping only
/// <c>"</c>, <c>\</c>, <c>\b \f \n \r \t</c> and the other control characters (as <c>\u00xx</c>, lower-case hex),
/// every other character as itself; numbers as <c>numeric</c> writes them, which for a plain integer or decimal
/// without an exponent is the text as written (its trailing zeros kept).
/// <para>
/// Where the answer is not certain this refuses (<see langword="null"/>) rather than guesses, and the caller asks the
/// server: a number with an exponent or a negative zero, a duplicate key, <c>\u0000</c> (which <c>jsonb</c> refuses),
/// a lone surrogate, or text that is not JSON. A wrong answer would store a hash that <c>posture audit verify</c>
/// reports as tampering; a test compares this with the server over generated documents.
/// </para>
/// <para>
/// It reads the UTF-8 text once into a flat list of tokens, then writes from that list: an object's members sorted by
/// their keys' bytes as they stand in the text (decoded first only when a key has escapes), a string without escapes
/// copied as it is. An import's payload takes about 3.5 µs, where the server's parse and render took about 10 µs of its
/// CPU, besides a round trip (docs/adr/0029).
/// </para>
/// </summary>
public static class JsonbText
{
    private static readonly JsonReaderOptions Strict = new() { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    // Throws on a lone surrogate instead of writing U+FFFD for it.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly SearchValues<byte> NeedEscaping = SearchValues.Create([.. Enumerable.Range(0, 32).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>The rendering of <paramref name="json"/> as <c>jsonb</c> text, or <see langword="null"/> when not certain.</summary>
    public static string? Render(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var text = ArrayPool<byte>.Shared.Rent(Utf8.GetMaxByteCount(json.Length));
        var output = new Output(json.Length + 64);
        try
        {
            return TryRender(text, Utf8.GetBytes(json, text), ref output) ? output.ToText() : null;
        }
        catch (EncoderFallbackException)
        {
            // A lone surrogate in the text itself.
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text);
            output.Dispose();
        }
    }

    /// <summary>
    /// <see cref="Render(string)"/> from UTF-8 to UTF-8: writes the rendering's bytes to <paramref name="rendered"/> and
    /// answers true, or writes nothing and answers false when not certain (or the input is not UTF-8). For a writer
    /// that serializes straight to UTF-8 and sends UTF-8, so the payload is never a string on the way (docs/adr/0033).
    /// </summary>
    public static bool TryRenderUtf8(ReadOnlySpan<byte> json, IBufferWriter<byte> rendered)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return false;
        }

        var text = ArrayPool<byte>.Shared.Rent(json.Length);
        var output = new Output(json.Length + 64);
        try
        {
            json.CopyTo(text);
            if (!TryRender(text, json.Length, ref output))
            {
                return false;
            }

            rendered.Write(output.Written);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text);
            output.Dispose();
        }
    }

    private static bool TryRender(byte[] text, int length, ref Output output)
    {
        var tokens = ArrayPool<Token>.Shared.Rent(Math.Max(16, length / 4));
        try
        {
            var count = Tokenize(text.AsSpan(0, length), ref tokens);
            return count > 0 && Write(text, tokens, 0, ref output) == count;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string the reader cannot decode to UTF-16 (a lone surrogate escaped as \uD800, say).
            return false;
        }
        catch (EncoderFallbackException)
        {
            // A decoded string that is no UTF-8.
            return false;
        }
        finally
        {
            ArrayPool<Token>.Shared.Return(tokens);
        }
    }

    /// <summary>
    /// One token of the text: its kind, where its bytes stand (a string's or key's without the quotes), whether they
    /// hold escapes, and for an object or array the index of the token after its end.
    /// </summary>
    private struct Token
    {
        public JsonTokenType Type;
        public int Start;
        public int Length;
        public bool Escaped;
        public int End;
    }

    /// <summary>Every token of the text, containers' ends filled in; 0 when it is not one JSON value and nothing else.</summary>
    private static int Tokenize(ReadOnlySpan<byte> text, ref Token[] tokens)
    {
        var reader = new Utf8JsonReader(text, Strict);
        var open = new Stack<int>();
        var count = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                tokens[open.Pop()].End = count;
                continue;
            }

            if (count == tokens.Length)
            {
                var larger = ArrayPool<Token>.Shared.Rent(count * 2);
                tokens.AsSpan(0, count).CopyTo(larger);
                ArrayPool<Token>.Shared.Return(tokens);
                tokens = larger;
            }

            var quoted = reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName;
            tokens[count] = new Token
            {
                Type = reader.TokenType,
                Start = (int)reader.TokenStartIndex + (quoted ? 1 : 0),
                Length = reader.ValueSpan.Length,
                Escaped = quoted && reader.ValueIsEscaped,
                End = count + 1,
            };
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                open.Push(count);
            }

            count++;
        }

        return open.Count == 0 ? count : 0;
    }

    /// <summary>Writes the value at token <paramref name="at"/>; the index of the token after it, or -1 when unsure.</summary>
    private static int Write(byte[] text, Token[] tokens, int at, ref Output output)
    {
        var token = tokens[at];
        switch (token.Type)
        {
            case JsonTokenType.StartObject:
                return Object(text, tokens, at, ref output);
            case JsonTokenType.StartArray:
                output.Write("["u8);
                for (var next = at + 1; next < token.End;)
                {
                    output.Write(next == at + 1 ? ""u8 : ", "u8);
                    next = Write(text, tokens, next, ref output);
                    if (next < 0)
                    {
                        return -1;
                    }
                }

                output.Write("]"u8);
                return token.End;
            case JsonTokenType.String:
                return String(text, token, ref output) ? at + 1 : -1;
            case JsonTokenType.Number:
                return Number(text.AsSpan(token.Start, token.Length), ref output) ? at + 1 : -1;
            case JsonTokenType.True:
                output.Write("true"u8);
                return at + 1;
            case JsonTokenType.False:
                output.Write("false"u8);
                return at + 1;
            case JsonTokenType.Null:
                output.Write("null"u8);
                return at + 1;
            default:
                return -1;
        }
    }

    private static int Object(byte[] text, Token[] tokens, int at, ref Output output)
    {
        // The members' key tokens, then sorted by their keys (insertion sort: objects are small), in a buffer on the
        // stack or pooled; a key with escapes is decoded first (rare), the others compared as they stand in the text.
        var count = 0;
        for (var next = at + 1; next < tokens[at].End; next = tokens[next + 1].End)
        {
            count++;
        }

        var rented = count > 32 ? ArrayPool<int>.Shared.Rent(count) : null;
        var keys = rented is null ? stackalloc int[32] : rented.AsSpan();
        Dictionary<int, byte[]>? decoded = null;
        var member = 0;
        for (var next = at + 1; next < tokens[at].End; next = tokens[next + 1].End)
        {
            keys[member++] = next;
            if (tokens[next].Escaped)
            {
                (decoded ??= [])[next] = Decoded(text, tokens[next]);
            }
        }

        ReadOnlySpan<byte> Key(int token) =>
            decoded is not null && decoded.TryGetValue(token, out var key) ? key : text.AsSpan(tokens[token].Start, tokens[token].Length);

        try
        {
            for (var i = 1; i < count; i++)
            {
                var moving = keys[i];
                var j = i - 1;
                for (; j >= 0 && Compare(Key(keys[j]), Key(moving)) > 0; j--)
                {
                    keys[j + 1] = keys[j];
                }

                keys[j + 1] = moving;
            }

            output.Write("{"u8);
            for (var i = 0; i < count; i++)
            {
                if (i > 0 && Compare(Key(keys[i]), Key(keys[i - 1])) == 0)
                {
                    // jsonb keeps the last of duplicate keys; which one that is, is not worth getting right here.
                    return -1;
                }

                output.Write(i == 0 ? ""u8 : ", "u8);
                if (!Escaped(Key(keys[i]), ref output) || (output.Write(": "u8) && Write(text, tokens, keys[i] + 1, ref output) < 0))
                {
                    return -1;
                }
            }

            output.Write("}"u8);
            return tokens[at].End;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private static byte[] Decoded(byte[] text, Token token)
    {
        // The token's bytes with its quotes, read again as a JSON string to decode its escapes.
        var reader = new Utf8JsonReader(text.AsSpan(token.Start - 1, token.Length + 2), Strict);
        reader.Read();
        return Utf8.GetBytes(reader.GetString()!);
    }

    /// <summary>jsonb's order of keys: the shorter first, then byte by byte.</summary>
    private static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);

    private static bool String(byte[] text, Token token, ref Output output)
    {
        if (!token.Escaped)
        {
            // Unescaped JSON string bytes hold no quote, backslash or control character: jsonb writes them as they are.
            output.Write("\""u8);
            output.Write(text.AsSpan(token.Start, token.Length));
            output.Write("\""u8);
            return true;
        }

        return Escaped(Decoded(text, token), ref output);
    }

    /// <summary>A decoded string's UTF-8 bytes, quoted and escaped as jsonb writes them.</summary>
    private static bool Escaped(ReadOnlySpan<byte> value, ref Output output)
    {
        output.Write("\""u8);
        while (value.IndexOfAny(NeedEscaping) is var next and >= 0)
        {
            output.Write(value[..next]);
            var b = value[next];
            value = value[(next + 1)..];
            var written = b switch
            {
                0 => false,
                (byte)'"' => output.Write("\\\""u8),
                (byte)'\\' => output.Write("\\\\"u8),
                (byte)'\b' => output.Write("\\b"u8),
                (byte)'\f' => output.Write("\\f"u8),
                (byte)'\n' => output.Write("\\n"u8),
                (byte)'\r' => output.Write("\\r"u8),
                (byte)'\t' => output.Write("\\t"u8),
                _ => output.Write([(byte)'\\', (byte)'u', (byte)'0', (byte)'0', "0123456789abcdef"u8[b >> 4], "0123456789abcdef"u8[b & 0xF]]),
            };
            if (!written)
            {
                return false;
            }
        }

        output.Write(value);
        output.Write("\""u8);
        return true;
    }

    /// <summary>A plain integer or decimal is written as it came (numeric keeps its scale); anything else is for the server.</summary>
    private static bool Number(ReadOnlySpan<byte> number, ref Output output)
    {
        if (number.IndexOfAny((byte)'e', (byte)'E') >= 0 || (number[0] == (byte)'-' && number[1..].IndexOfAnyExcept((byte)'0', (byte)'.') < 0))
        {
            return false;
        }

        output.Write(number);
        return true;
    }

    /// <summary>The UTF-8 written so far, in a pooled buffer that grows.</summary>
    private struct Output(int capacity) : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        private int _length;

        public bool Write(ReadOnlySpan<byte> bytes)
        {
            if (_length + bytes.Length > _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes.Length));
                _buffer.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
            return true;
        }

        public readonly string ToText() => Encoding.UTF8.GetString(_buffer, 0, _length);

        public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
