using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Bases;

/// <summary>
/// Pure decisions for the Base stream: given the current state (null when the stream does not exist), a command
/// and the instant "now", produce events or a rejection. No I/O, no clock: the caller passes <c>now</c>.
/// </summary>
public static class BaseDecider
{
    public static Decision Decide(RegisterBase command, Base? state, Instant now)
    {
        var checks = new FieldChecks()
            .Require(command.BaseId != Guid.Empty, "id", "must not be the empty id")
            .RequireText(command.Name, "name")
            .RequireText(command.Country, "country")
            .RequireText(command.Region, "region")
            .Require(command.Latitude is >= -90 and <= 90, "latitude", "must be between -90 and 90 degrees")
            .Require(command.Longitude is >= -180 and <= 180, "longitude", "must be between -180 and 180 degrees");
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        if (state is not null)
        {
            return Rejection.Conflict($"base {command.BaseId} is already registered as '{state.Name}'");
        }

        return Decision.Accept(new BaseRegistered(
            command.BaseId,
            command.Name.Trim(),
            command.Country.Trim(),
            command.Region.Trim(),
            command.Latitude,
            command.Longitude,
            now));
    }

    public static Decision Decide(RecordRocketAttack command, Base? state, Instant now)
    {
        var checks = new FieldChecks()
            .Require(command.IncidentId != Guid.Empty, "incidentId", "must not be the empty id")
            .Require(command.OccurredAt <= now, "occurredAt", $"must not be in the future (now is {now})")
            .NotNegative(command.Rounds, "rounds")
            .NotNegative(command.Killed, "killed")
            .NotNegative(command.Injured, "injured")
            .Require(Enum.IsDefined(command.Impact), "impact", "is not a known impact")
            .Require(Enum.IsDefined(command.Confidence), "confidence", "is not a known confidence")
            .Require(command.CasualtiesAffiliation is null || Enum.IsDefined(command.CasualtiesAffiliation.Value),
                "casualtiesAffiliation", "is not a known affiliation")
            .OptionalText(command.ClaimedBy, "claimedBy")
            .RequireText(command.Source, "source")
            .OptionalText(command.Notes, "notes", Limits.LongText);
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        if (state is null)
        {
            return Rejection.NotFound($"no base with id {command.BaseId} is registered");
        }

        if (state.IncidentIds.Contains(command.IncidentId))
        {
            return Rejection.Conflict($"incident {command.IncidentId} is already recorded at {state.Name}");
        }

        return Decision.Accept(new RocketAttackOccurred(
            command.BaseId,
            command.IncidentId,
            command.OccurredAt,
            command.Rounds,
            command.Impact,
            command.Killed,
            command.Injured,
            command.CasualtiesAffiliation,
            NullIfBlank(command.ClaimedBy),
            command.Source.Trim(),
            command.Confidence,
            NullIfBlank(command.Notes)));
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
