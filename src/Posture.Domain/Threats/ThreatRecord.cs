using System.Security.Cryptography;
using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Threats;

/// <summary>
/// Posture's computed threat level for a site crossed into another band, as Posture evaluated it at <see cref="At"/>
/// (after an incident was recorded, corrected or retracted, an analyst's floor was set, or time decayed the score).
/// Recorded in the site's own threat stream (<see cref="ThreatRecord.StreamOf"/>), apart from the Base stream that
/// people write to, so that audits and alerts see what Posture said, and when.
/// </summary>
public sealed record ThreatLevelChanged(Guid SiteId, ThreatLevel From, ThreatLevel To, double Score, Instant At, string Cause) : IDomainEvent;

/// <summary>Record the level Posture computed for a site at an instant (sent by the threat re-evaluation, not by people).</summary>
public sealed record RecordThreatLevel(Guid SiteId, ThreatLevel Level, double Score, Instant At, string Cause);

/// <summary>The last level Posture recorded for a site: the state of its threat stream (<see cref="Id"/> is the stream's id).</summary>
public sealed record ThreatRecord(Guid Id, Guid SiteId, ThreatLevel Level)
{
    /// <summary>The id of a site's threat stream: derived from the site's id, the same everywhere.</summary>
    public static Guid StreamOf(Guid siteId)
    {
        var hash = SHA256.HashData([.. siteId.ToByteArray(), .. "posture/threat-stream"u8]);
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    public static ThreatRecord? Evolve(ThreatRecord? record, object @event) => @event switch
    {
        ThreatLevelChanged e => new ThreatRecord(StreamOf(e.SiteId), e.SiteId, e.To),
        _ => record,
    };

    /// <summary>A change of band is recorded; the same level again records nothing. A site starts at Low.</summary>
    public static Decision Decide(RecordThreatLevel command, ThreatRecord? state, Instant now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var checks = new FieldChecks()
            .Require(Enum.IsDefined(command.Level), "level", "is not a known threat level")
            .Require(double.IsFinite(command.Score) && command.Score >= 0, "score", "must be a finite number, not negative")
            .Require(command.At <= now, "at", $"must not be in the future (now is {now})")
            .RequireText(command.Cause, "cause", Limits.LongText);
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        var previous = state?.Level ?? ThreatLevel.Low;
        return command.Level == previous
            ? Decision.Accept()
            : Decision.Accept(new ThreatLevelChanged(command.SiteId, previous, command.Level, command.Score, command.At, command.Cause.Trim()));
    }
}
