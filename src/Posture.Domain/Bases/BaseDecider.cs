using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Bases;

/// <summary>
/// Pure decisions for the Base stream: given the current state (null when the stream does not exist), a command
/// and the instant "now", produce events or a rejection. No I/O, no clock: the caller passes <c>now</c>.
/// Field problems are named first, all at once; then existence (404), then business rules (409).
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
            command.BaseId, command.Name.Trim(), command.Country.Trim(), command.Region.Trim(), command.Latitude, command.Longitude, now));
    }

    /// <summary>
    /// Records a new incident. <paramref name="known"/> is what the base's history says of the incident the command
    /// names (null when it has none): one already recorded there, retracted or not, is not recorded again.
    /// <paramref name="recordedAtBase"/> is the other base that holds the incident's id now, if one does: an incident
    /// happens at one base, and an id already used at another is refused rather than recorded twice (the incident log
    /// and the threat of either base could not tell the two apart).
    /// </summary>
    public static Decision Decide(RecordIncident command, Base? state, IncidentRecord? known, Instant now, Guid? recordedAtBase = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        var checks = command.Report.Check(now, new FieldChecks()
            .Require(command.IncidentId != Guid.Empty, "incidentId", "must not be the empty id")
            .Require(Enum.IsDefined(command.Kind), "kind", "is not a known kind of incident"));
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        if (state is null)
        {
            return UnknownBase(command.BaseId);
        }

        if (Named(known, command.IncidentId) is not null)
        {
            return Rejection.Conflict($"incident {command.IncidentId} is already recorded at {state.Name}");
        }

        if (recordedAtBase is { } other && other != command.BaseId)
        {
            return RecordedElsewhere(command.IncidentId, other);
        }

        var report = command.Report.Normalised();
        return Decision.Accept(command.Kind switch
        {
            IncidentKind.Rocket => new RocketAttackOccurred(command.BaseId, command.IncidentId, report),
            IncidentKind.Drone => new DroneAttackOccurred(command.BaseId, command.IncidentId, report),
            IncidentKind.IndirectFire => new IndirectFireOccurred(command.BaseId, command.IncidentId, report),
            IncidentKind.Ied => new IedDetonated(command.BaseId, command.IncidentId, report),
            _ => new SmallArmsFireOccurred(command.BaseId, command.IncidentId, report),
        });
    }

    /// <summary>
    /// Decides a batch by deciding each incident as <see cref="Decide(RecordIncident, Base?, IncidentRecord?, Instant)"/>
    /// would, on the base as the rows before it left it. An incident already recorded (at the base, or earlier in the
    /// batch) with the same kind and report is an accepted decision with no events: a repeat records nothing. One
    /// recorded with other values is refused as a conflict. <paramref name="known"/> holds what the base's history says
    /// of the batch's incidents it has (the handler reads them; the state keeps none): a repeat is compared with the
    /// report the incident was first recorded with. <paramref name="recordedElsewhere"/> names, for incidents whose id
    /// another base holds, that base: such a row is refused, as a single <see cref="RecordIncident"/> is.
    /// </summary>
    public static IncidentBatchDecision Decide(
        RecordIncidents command, Base? state, IReadOnlyDictionary<Guid, IncidentRecord> known, Instant now,
        IReadOnlyDictionary<Guid, Guid>? recordedElsewhere = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(known);
        var added = new Dictionary<Guid, (IncidentKind Kind, IncidentReport Report)>(command.Incidents.Count);
        var rows = new List<Decision>(command.Incidents.Count);
        foreach (var incident in command.Incidents)
        {
            var row = incident with { BaseId = command.BaseId };
            if (state is null)
            {
                rows.Add(Decide(row, state, null, now));
                continue;
            }

            (IncidentKind Kind, IncidentReport Report)? earlier =
                added.TryGetValue(row.IncidentId, out var inBatch) ? inBatch
                : Named(known.GetValueOrDefault(row.IncidentId), row.IncidentId) is { } record ? (record.Kind, record.Recorded)
                : null;
            if (earlier is { } first)
            {
                var checks = row.Report.Check(now, new FieldChecks());
                rows.Add(checks.Any ? checks.ToRejection()
                    : first.Kind == row.Kind && first.Report == row.Report.Normalised() ? Decision.Accept()
                    : Rejection.Conflict($"incident {row.IncidentId} is already recorded at {state.Name} with other values"));
                continue;
            }

            var decision = Decide(row, state, null, now,
                recordedElsewhere is not null && recordedElsewhere.TryGetValue(row.IncidentId, out var other) ? other : null);
            if (decision.IsAccepted)
            {
                added[row.IncidentId] = (row.Kind, ((IIncidentOccurred)decision.Events[0]).Report);
            }

            rows.Add(decision);
        }

        return new IncidentBatchDecision(rows, state is null ? UnknownBase(command.BaseId) : null);
    }

    /// <summary>
    /// Corrects an incident's report: the changes are applied to the report as the base's history says it now
    /// (<paramref name="known"/>, read by the handler; null when the history has no such incident).
    /// </summary>
    public static Decision Decide(CorrectIncident command, Base? state, IncidentRecord? known, Instant now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var checks = new FieldChecks()
            .RequireText(command.Reason, "reason", Limits.LongText)
            .Require(!command.Changes.ChangesNothing, "changes", "name at least one field to correct");
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        if (FindIncident(state, known, command.BaseId, command.IncidentId) is { } missing)
        {
            return missing;
        }

        if (known!.Retracted)
        {
            return Rejection.Conflict($"incident {command.IncidentId} at {state!.Name} was retracted; a retracted incident cannot be corrected");
        }

        var current = known.Current;
        var corrected = current.With(command.Changes);
        var reportChecks = corrected.Check(now);
        if (reportChecks.Any)
        {
            return reportChecks.ToRejection();
        }

        corrected = corrected.Normalised();
        if (corrected == current)
        {
            return Rejection.Conflict($"the correction of incident {command.IncidentId} changes nothing");
        }

        return Decision.Accept(new IncidentCorrected(command.BaseId, command.IncidentId, corrected, command.Reason.Trim()));
    }

    /// <summary>Withdraws an incident the base's history has (<paramref name="known"/>, read by the handler) and has not withdrawn.</summary>
    public static Decision Decide(RetractIncident command, Base? state, IncidentRecord? known, Instant now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var checks = new FieldChecks().RequireText(command.Reason, "reason", Limits.LongText);
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        if (FindIncident(state, known, command.BaseId, command.IncidentId) is { } missing)
        {
            return missing;
        }

        if (known!.Retracted)
        {
            return Rejection.Conflict($"incident {command.IncidentId} at {state!.Name} is already retracted");
        }

        return Decision.Accept(new IncidentRetracted(command.BaseId, command.IncidentId, command.Reason.Trim()));
    }

    public static Decision Decide(AssessThreat command, Base? state, Instant now)
    {
        var checks = new FieldChecks()
            .Require(Enum.IsDefined(command.Level), "level", "is not a known threat level")
            .RequireText(command.Reason, "reason", Limits.LongText)
            .Require(command.ExpiresAt > now, "expiresAt", $"must be after now ({now})");
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        return state is null
            ? UnknownBase(command.BaseId)
            : Decision.Accept(new ThreatAssessed(command.BaseId, command.Level, command.Reason.Trim(), now, command.ExpiresAt));
    }

    public static Decision Decide(SetForceProtectionCondition command, Base? state, Instant now)
    {
        var checks = new FieldChecks()
            .Require(Enum.IsDefined(command.Condition), "condition", "is not a known force-protection condition")
            .RequireText(command.Reason, "reason", Limits.LongText);
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        return state is null
            ? UnknownBase(command.BaseId)
            : Decision.Accept(new ForceProtectionConditionSet(command.BaseId, command.Condition, command.Reason.Trim(), now));
    }

    private static Rejection UnknownBase(Guid baseId) => Rejection.NotFound($"no base with id {baseId} is registered");

    private static Rejection? FindIncident(Base? state, IncidentRecord? known, Guid baseId, Guid incidentId) =>
        state is null ? UnknownBase(baseId)
        : Named(known, incidentId) is not null ? null
        : Rejection.NotFound($"no incident {incidentId} is recorded at {state.Name}");

    /// <summary>The record given for a command, which must be the record of the incident the command names.</summary>
    /// <summary>A conflict on the incident id itself, so it names the field (which also tells it from a repeat with other values).</summary>
    private static Rejection RecordedElsewhere(Guid incidentId, Guid otherBase) =>
        new(RejectionKind.Conflict,
            $"incident {incidentId} is already recorded at another base ({otherBase}); an incident id names one incident at one base",
            [new FieldProblem("incidentId", $"is already recorded at another base ({otherBase})")]);

    private static IncidentRecord? Named(IncidentRecord? known, Guid incidentId) =>
        known is null || known.IncidentId == incidentId ? known
        : throw new ArgumentException($"the record given is of incident {known.IncidentId}, not of {incidentId} the command names", nameof(known));
}
