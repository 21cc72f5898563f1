using System.Text.Json;
using System.Text.Json.Serialization;

namespace Posture.Infrastructure.Json;

/// <summary>
/// Enums as one kebab-case word each (open-area, occupied-area), read without regard to case. Unlike
/// <see cref="JsonStringEnumConverter"/>, it refuses a comma-separated list of words: System.Text.Json reads
/// "alpha,bravo" as the bitwise union of the two, which for FPCON is Charlie, a value nobody sent.
/// </summary>
public sealed class WordEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert)
    {
        ArgumentNullException.ThrowIfNull(typeToConvert);
        return typeToConvert.IsEnum;
    }

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Words<>).MakeGenericType(typeToConvert))!;

    /// <summary>The JSON word for an enum value.</summary>
    public static string Word<TEnum>(TEnum value) where TEnum : struct, Enum => Word(value.ToString());

    /// <summary>The JSON word for an enum member's name.</summary>
    public static string Word(string name) => JsonNamingPolicy.KebabCaseLower.ConvertName(name);

    private sealed class Words<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        private static readonly Dictionary<string, TEnum> ByWord =
            Enum.GetValues<TEnum>().ToDictionary(v => Word(v), v => v, StringComparer.OrdinalIgnoreCase);

        private static readonly Dictionary<TEnum, string> ByValue = ByWord.ToDictionary(p => p.Value, p => p.Key);

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? Parse(reader.GetString()) : throw Unknown(null);

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(Format(value));
        }

        public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString());

        public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WritePropertyName(Format(value));
        }

        private static TEnum Parse(string? word) => word is not null && ByWord.TryGetValue(word, out var value) ? value : throw Unknown(word);

        private static string Format(TEnum value) =>
            ByValue.TryGetValue(value, out var word) ? word : throw new JsonException($"{value} is not a {typeof(TEnum).Name}");

        private static JsonException Unknown(string? word) =>
            new($"{(word is null ? "the value" : $"'{word}'")} is not a {typeof(TEnum).Name}: one of {string.Join(", ", ByWord.Keys)}");
    }
}
