using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Missions;

/// <summary>
/// Pure decisions for the Mission stream: given the state (null when the stream does not exist), a command and the
/// instant "now", produce events or a rejection. Commands that name sites take what the handler found registered in
/// the Base streams (<c>siteKnown</c>, <c>knownSites</c>). No I/O, no clock.
/// The rule behind most refusals: at no moment are more people assigned than the mission is authorised, and at no
/// moment does a site hold fewer than none.
/// </summary>
public static class MissionDecider
{
    public static Decision Decide(LaunchMission command, Mission? state, Instant now, IReadOnlySet<Guid> knownSites)
    {
        ArgumentNullException.ThrowIfNull(knownSites);
        var checks = new FieldChecks()
            .Require(command.MissionId != Guid.Empty, "id", "must not be the empty id")
            .RequireText(command.Name, "name")
            .People(command.AuthorisedStrength, "authorisedStrength")
            .Require(command.Locations is { Count: > 0 }, "locations", "must name at least one site")
            .NotAfter(command.LaunchedAt, now, "launchedAt");
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        if (state is not null)
        {
            return Rejection.Conflict($"mission {command.MissionId} is already launched as '{state.Name}'");
        }

        var locations = command.Locations.Distinct().ToArray();
        var unknown = locations.Where(id => !knownSites.Contains(id)).ToArray();
        if (unknown.Length > 0)
        {
            return CommandChecks.UnknownSites(unknown);
        }

        return Decision.Accept(new MissionLaunched(
            command.MissionId, command.Name.Trim(), command.AuthorisedStrength, locations, command.LaunchedAt));
    }

    public static Decision Decide(ExpandMission command, Mission? state, Instant now)
    {
        var checks = new FieldChecks()
            .People(command.From, "from", atLeast: 0)
            .People(command.To, "to")
            .Require(command.To > command.From, "to", "must be greater than from")
            .NotAfter(command.At, now, "at");
        if (CommandChecks.Refuse(checks, state, Missing(command.MissionId), out var rejection))
        {
            return rejection;
        }

        if (StrengthChangeRefused(state, command.From, command.At) is { } refused)
        {
            return refused;
        }

        return Decision.Accept(new MissionExpanded(command.MissionId, command.From, command.To, command.At));
    }

    public static Decision Decide(ReduceMission command, Mission? state, Instant now)
    {
        var checks = new FieldChecks()
            .People(command.From, "from", atLeast: 0)
            .People(command.To, "to", atLeast: 0)
            .Require(command.To < command.From, "to", "must be less than from")
            .NotAfter(command.At, now, "at");
        if (CommandChecks.Refuse(checks, state, Missing(command.MissionId), out var rejection))
        {
            return rejection;
        }

        if (StrengthChangeRefused(state, command.From, command.At) is { } refused)
        {
            return refused;
        }

        // No strength change is recorded after command.At, so the strength from then on is command.From.
        var mostAssigned = command.From - state.Unassigned.LowestFrom(command.At);
        if (command.To < mostAssigned)
        {
            return Rejection.Conflict(
                $"{state.Name} has {mostAssigned} personnel assigned at some moment from {command.At} on; " +
                $"its authorised strength cannot be reduced to {command.To}");
        }

        return Decision.Accept(new MissionReduced(command.MissionId, command.From, command.To, command.At));
    }

    public static Decision Decide(AssignMissionPersonnel command, Mission? state, Instant now, bool siteKnown)
    {
        var checks = CommandChecks.Movement(command.Count, command.At, now);
        if (CommandChecks.Refuse(checks, state, Missing(command.MissionId), command.BaseId, siteKnown, out var rejection))
        {
            return rejection;
        }

        if (command.At < state.LaunchedAt)
        {
            return Rejection.Conflict(
                $"{state.Name} was launched at {state.LaunchedAt}; personnel cannot be assigned before that ({command.At})");
        }

        var unfilled = state.Unassigned.LowestFrom(command.At);
        if (command.Count > unfilled)
        {
            return Rejection.Conflict(
                $"{state.Name} has {unfilled} unfilled places of its authorised strength from {command.At} on; " +
                $"{command.Count} cannot be assigned");
        }

        return Decision.Accept(new MissionPersonnelAssigned(command.MissionId, command.BaseId, command.Count, command.At));
    }

    public static Decision Decide(WithdrawMissionPersonnel command, Mission? state, Instant now, bool siteKnown)
    {
        var checks = CommandChecks.Movement(command.Count, command.At, now);
        if (CommandChecks.Refuse(checks, state, Missing(command.MissionId), command.BaseId, siteKnown, out var rejection))
        {
            return rejection;
        }

        var there = state.AssignedAt(command.BaseId).LowestFrom(command.At);
        if (command.Count > there)
        {
            return Rejection.Conflict(
                $"{state.Name} has {there} personnel at base {command.BaseId} from {command.At} on; {command.Count} cannot be withdrawn");
        }

        return Decision.Accept(new MissionPersonnelWithdrawn(command.MissionId, command.BaseId, command.Count, command.At));
    }

    /// <summary>
    /// A change of authorised strength must start from the strength now in force, and cannot be placed before the
    /// last change (each change's <c>From</c> names the one before it, so the chain is kept in time order).
    /// </summary>
    private static Rejection? StrengthChangeRefused(Mission state, int from, Instant at)
    {
        if (from != state.AuthorisedStrength)
        {
            return Rejection.Conflict($"{state.Name}'s authorised strength is {state.AuthorisedStrength}, not {from}");
        }

        if (at < state.StrengthChangedAt)
        {
            return Rejection.Conflict(
                $"{state.Name}'s authorised strength last changed at {state.StrengthChangedAt}; a change at {at}, before that, cannot be recorded");
        }

        return null;
    }

    private static string Missing(Guid missionId) => $"no mission with id {missionId} is launched";
}
