using System.Buffers;
using NodaTime;

namespace Posture.Domain.Common;

/// <summary>What kind of "no" a refused command is; hosts map it to a status (400, 404, 409).</summary>
public enum RejectionKind
{
    /// <summary>The command itself is malformed: a field is out of range, empty or in the future.</summary>
    Invalid,

    /// <summary>The command names something that does not exist (an unknown base).</summary>
    NotFound,

    /// <summary>The command is well formed but breaks a business rule given the current state.</summary>
    Conflict,

    /// <summary>The command reuses an idempotency key that already stands for a different command.</summary>
    KeyReused,
}

/// <summary>One field's problem, named by the field as callers spell it (camelCase).</summary>
public sealed record FieldProblem(string Field, string Problem);

/// <summary>A refused command: why, in words a security officer can read. Refusals write nothing.</summary>
public sealed record Rejection(RejectionKind Kind, string Reason, IReadOnlyList<FieldProblem> Problems)
{
    public static Rejection Invalid(IReadOnlyList<FieldProblem> problems) =>
        new(RejectionKind.Invalid, string.Join("; ", problems.Select(p => $"{p.Field}: {p.Problem}")), problems);

    public static Rejection NotFound(string reason) => new(RejectionKind.NotFound, reason, []);

    public static Rejection Conflict(string reason) => new(RejectionKind.Conflict, reason, []);

    public static Rejection Reused(string reason) => new(RejectionKind.KeyReused, reason, []);
}

/// <summary>
/// The result of deciding a command: the events to append, or a rejection. Never both.
/// An accepted decision with no events is a no-op (nothing to record).
/// </summary>
public sealed record Decision
{
    private Decision(IReadOnlyList<object> events, Rejection? rejection)
    {
        Events = events;
        Rejection = rejection;
    }

    public IReadOnlyList<object> Events { get; }

    public Rejection? Rejection { get; }

    public bool IsAccepted => Rejection is null;

    public static Decision Accept(params object[] events) => new(events, null);

    public static Decision Reject(Rejection rejection) => new([], rejection);

    public static implicit operator Decision(Rejection rejection) => Reject(rejection);
}

/// <summary>
/// Collects field problems while a command is checked, so a caller learns of every bad field at once.
/// </summary>
public sealed class FieldChecks
{
    private readonly List<FieldProblem> _problems = [];

    public bool Any => _problems.Count > 0;

    public IReadOnlyList<FieldProblem> Problems => _problems.ToArray();

    public FieldChecks Require(bool condition, string field, string problem)
    {
        if (!condition)
        {
            _problems.Add(new FieldProblem(field, problem));
        }

        return this;
    }

    public FieldChecks RequireText(string? value, string field, int maxLength = Limits.ShortText)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            _problems.Add(new FieldProblem(field, "must not be empty"));
        }
        else if (value.Length > maxLength)
        {
            _problems.Add(new FieldProblem(field, $"must be at most {maxLength} characters"));
        }
        else
        {
            PlainText(value, field);
        }

        return this;
    }

    public FieldChecks OptionalText(string? value, string field, int maxLength = Limits.ShortText) =>
        value is null ? this
        : value.Length > maxLength ? Require(false, field, $"must be at most {maxLength} characters")
        : PlainText(value, field);

    /// <summary>
    /// Text holds no control characters but tab and line breaks: PostgreSQL cannot store U+0000 in JSON, and an escape
    /// sequence in a name or reason would rewrite the terminal of whoever reads the audit trail.
    /// </summary>
    private FieldChecks PlainText(string value, string field) =>
        Require(!value.AsSpan().ContainsAny(ControlCharacters), field, "must not contain control characters other than tab and line breaks");

    /// <summary>Every character <see cref="char.IsControl(char)"/> calls a control character (U+0000–U+001F, U+007F–U+009F) but tab, LF and CR.</summary>
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        [.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'))]);

    public FieldChecks NotNegative(int value, string field) => Require(value >= 0, field, "must not be negative");

    /// <summary>A number of people a command names: at least <paramref name="atLeast"/>, at most <see cref="Limits.People"/>.</summary>
    public FieldChecks People(int value, string field, int atLeast = 1) =>
        Require(value >= atLeast && value <= Limits.People, field, $"must be between {atLeast} and {Limits.People}");

    /// <summary>A moment in the world that a command reports: it cannot be later than the moment it is decided.</summary>
    public FieldChecks NotAfter(Instant value, Instant now, string field) =>
        value <= now ? this : Require(false, field, $"must not be in the future (now is {now})");

    public Rejection ToRejection() => Rejection.Invalid(Problems);
}

/// <summary>Lengths every text field is held to, so no caller can store an unbounded string.</summary>
public static class Limits
{
    public const int ShortText = 200;
    public const int LongText = 4000;

    /// <summary>More people than any one command moves or authorises; it also keeps every sum far from overflow.</summary>
    public const int People = 1_000_000;
}

/// <summary>Marks a fact Posture records in a stream. Every such type has a pinned stored name.</summary>
#pragma warning disable CA1040 // A marker: it lets conventions find every event without guessing from names.
public interface IDomainEvent;
#pragma warning restore CA1040
