using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Bases;

/// <summary>The kinds of hostile incident Posture records; each has its own event (and stored name).</summary>
public enum IncidentKind
{
    Rocket,
    Drone,
    IndirectFire,
    Ied,
    SmallArms,
}

/// <summary>How precisely the occurred-at instant is known (ACLED's time precision, finer).</summary>
public enum TimePrecision
{
    Exact,
    Hour,
    Day,
}

/// <summary>Where the munitions of an incident landed, from least to most dangerous.</summary>
public enum Impact
{
    OpenArea,
    Perimeter,
    Inside,
    OccupiedArea,
}

/// <summary>How sure the source of a report is.</summary>
public enum Confidence
{
    Confirmed,
    Probable,
    Unconfirmed,
}

/// <summary>Whose people the casualties of an incident were.</summary>
public enum Affiliation
{
    Contractor,
    CoalitionMilitary,
    HostNationMilitary,
    Civilian,
}

/// <summary>Who is held responsible: a group that claimed it, a group suspected, or nobody known.</summary>
public enum Attribution
{
    Unknown,
    Suspected,
    Claimed,
}

/// <summary>
/// What a report says happened: the same shape for every kind of incident, and for its corrections. Occurred-at is
/// world time; when Posture learnt of it is the event store's own timestamp.
/// </summary>
public sealed record IncidentReport(
    Instant OccurredAt,
    TimePrecision Precision,
    int Rounds,
    Impact Impact,
    int Killed,
    int Injured,
    Affiliation? CasualtiesAffiliation,
    Attribution Attribution,
    string? AttributedTo,
    string Source,
    Confidence Confidence,
    string? Notes)
{
    /// <summary>Checks every field at once; <paramref name="now"/> bounds occurred-at.</summary>
    public FieldChecks Check(Instant now, FieldChecks? checks = null) =>
        (checks ?? new FieldChecks())
            .NotAfter(OccurredAt, now, "occurredAt")
            .Require(Enum.IsDefined(Precision), "precision", "is not a known precision")
            .NotNegative(Rounds, "rounds")
            .Require(Enum.IsDefined(Impact), "impact", "is not a known impact")
            .NotNegative(Killed, "killed")
            .NotNegative(Injured, "injured")
            .Require(CasualtiesAffiliation is null || Enum.IsDefined(CasualtiesAffiliation.Value), "casualtiesAffiliation", "is not a known affiliation")
            .Require(Enum.IsDefined(Attribution), "attribution", "is not a known attribution")
            .Require(Attribution == Attribution.Unknown || !string.IsNullOrWhiteSpace(AttributedTo), "attributedTo",
                "must name the group when the attack is claimed or suspected")
            .OptionalText(AttributedTo, "attributedTo")
            .RequireText(Source, "source")
            .Require(Enum.IsDefined(Confidence), "confidence", "is not a known confidence")
            .OptionalText(Notes, "notes", Limits.LongText);

    /// <summary>This report with the fields a correction names replaced; fields it leaves out stay as they were.</summary>
    public IncidentReport With(IncidentChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var attribution = changes.Attribution ?? Attribution;
        return new IncidentReport(
            changes.OccurredAt ?? OccurredAt,
            changes.Precision ?? Precision,
            changes.Rounds ?? Rounds,
            changes.Impact ?? Impact,
            changes.Killed ?? Killed,
            changes.Injured ?? Injured,
            changes.CasualtiesAffiliation ?? CasualtiesAffiliation,
            attribution,
            changes.AttributedTo ?? (attribution == Attribution.Unknown ? null : AttributedTo),
            changes.Source ?? Source,
            changes.Confidence ?? Confidence,
            changes.Notes ?? Notes);
    }

    /// <summary>The report as it is recorded: text trimmed, blank optional text absent, no group when unknown.</summary>
    public IncidentReport Normalised() => this with
    {
        AttributedTo = Attribution == Attribution.Unknown ? null : Text.NullIfBlank(AttributedTo),
        Source = Source.Trim(),
        Notes = Text.NullIfBlank(Notes),
    };
}

/// <summary>
/// The fields a correction changes; a null field keeps what the report said. (A correction cannot clear an
/// optional field back to "absent"; a retraction and a new report can.)
/// </summary>
public sealed record IncidentChanges(
    Instant? OccurredAt = null,
    TimePrecision? Precision = null,
    int? Rounds = null,
    Impact? Impact = null,
    int? Killed = null,
    int? Injured = null,
    Affiliation? CasualtiesAffiliation = null,
    Attribution? Attribution = null,
    string? AttributedTo = null,
    string? Source = null,
    Confidence? Confidence = null,
    string? Notes = null)
{
    public bool ChangesNothing => this == new IncidentChanges();
}
