using NodaTime;
using NodaTime.Text;
using Posture.Domain.Common;

namespace Posture.Api.Http;

/// <summary>
/// Reads query-string parameters, collecting every bad one so the caller learns of all of them in one 400
/// (instants are ISO-8601 UTC, e.g. 2021-02-20T18:00:00Z; enum values are the JSON words, e.g. high, open-area).
/// </summary>
public sealed class QueryParameters
{
    private readonly List<FieldProblem> _problems = [];

    public IResult? Problem => _problems.Count == 0 ? null : CommandResults.Problem(Rejection.Invalid(_problems.ToArray()));

    public Instant? Instant(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parsed = InstantPattern.ExtendedIso.Parse(text.Trim());
        if (parsed.Success)
        {
            return parsed.Value;
        }

        _problems.Add(new FieldProblem(name, $"'{text}' is not an ISO-8601 UTC instant such as 2021-02-20T18:00:00Z"));
        return null;
    }

    public TEnum? Enum<TEnum>(string? text, string name) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var words = System.Enum.GetValues<TEnum>().ToDictionary(Word, v => v, StringComparer.OrdinalIgnoreCase);
        if (words.TryGetValue(text.Trim(), out var value))
        {
            return value;
        }

        _problems.Add(new FieldProblem(name, $"'{text}' is not one of {string.Join(", ", words.Keys)}"));
        return null;
    }

    public int WholeNumber(string? text, string name, int fallback, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        _problems.Add(new FieldProblem(name, $"must be a whole number from {min} to {max}"));
        return fallback;
    }

    /// <summary><c>page</c> (from 1) and <c>pageSize</c> (1 to <paramref name="maxSize"/>, default <paramref name="defaultSize"/>).</summary>
    public Paging Paging(string? page, string? pageSize, int defaultSize = Http.Paging.MaxPageSize, int maxSize = Http.Paging.MaxPageSize) =>
        new(WholeNumber(page, "page", 1, 1, Http.Paging.MaxPage), WholeNumber(pageSize, "pageSize", defaultSize, 1, maxSize));

    public Guid? Id(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (System.Guid.TryParse(text, out var value))
        {
            return value;
        }

        _problems.Add(new FieldProblem(name, $"'{text}' is not an id"));
        return null;
    }

    public void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            _problems.Add(new FieldProblem(name, problem));
        }
    }

    /// <summary>The JSON word for an enum value (kebab-case, as everywhere in the API).</summary>
    public static string Word<TEnum>(TEnum value) where TEnum : struct, Enum => Posture.Infrastructure.Json.WordEnumConverter.Word(value);
}
