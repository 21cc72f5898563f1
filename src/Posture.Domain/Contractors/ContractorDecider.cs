using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Contractors;

/// <summary>
/// Pure decisions for the Contractor stream: given the state (null when the stream does not exist), a command and the
/// instant "now", produce events or a rejection. Commands that name a site take <c>siteKnown</c>: whether that base
/// is registered, which the handler looks up in the Base stream. No I/O, no clock.
/// </summary>
public static class ContractorDecider
{
    public static Decision Decide(EngageContractor command, Contractor? state, Instant now)
    {
        var engagedAt = command.EngagedAt ?? now;
        var checks = new FieldChecks()
            .Require(command.ContractorId != Guid.Empty, "id", "must not be the empty id")
            .RequireText(command.Company, "company")
            .RequireText(command.Programme, "programme")
            .NotAfter(engagedAt, now, "engagedAt");
        if (checks.Any)
        {
            return checks.ToRejection();
        }

        if (state is not null)
        {
            return Rejection.Conflict($"contractor {command.ContractorId} is already engaged as '{state.Company}'");
        }

        return Decision.Accept(new ContractorEngaged(
            command.ContractorId, command.Company.Trim(), command.Programme.Trim(), engagedAt));
    }

    public static Decision Decide(DeployContractors command, Contractor? state, Instant now, bool siteKnown)
    {
        var checks = CommandChecks.Movement(command.Count, command.At, now);
        if (CommandChecks.Refuse(checks, state, Missing(command.ContractorId), command.BaseId, siteKnown, out var rejection))
        {
            return rejection;
        }

        if (command.At < state.EngagedAt)
        {
            return Rejection.Conflict(
                $"{state.Company} was engaged at {state.EngagedAt}; its people cannot be deployed before that ({command.At})");
        }

        return Decision.Accept(new ContractorsDeployed(command.ContractorId, command.BaseId, command.Count, command.At));
    }

    public static Decision Decide(EvacuateContractors command, Contractor? state, Instant now, bool siteKnown)
    {
        var checks = CommandChecks.Movement(command.Count, command.At, now)
            .OptionalText(command.Destination, "destination")
            .RequireText(command.Reason, "reason");
        if (CommandChecks.Refuse(checks, state, Missing(command.ContractorId), command.BaseId, siteKnown, out var rejection))
        {
            return rejection;
        }

        var there = state.PeopleAt(command.BaseId).LowestFrom(command.At);
        if (command.Count > there)
        {
            return Rejection.Conflict(
                $"{state.Company} has {there} people at base {command.BaseId} from {command.At} on; {command.Count} cannot be evacuated");
        }

        return Decision.Accept(new ContractorsEvacuated(
            command.ContractorId,
            command.BaseId,
            command.Count,
            string.IsNullOrWhiteSpace(command.Destination) ? null : command.Destination.Trim(),
            command.Reason.Trim(),
            command.At));
    }

    public static Decision Decide(ReturnContractors command, Contractor? state, Instant now, bool siteKnown)
    {
        var checks = CommandChecks.Movement(command.Count, command.At, now);
        if (CommandChecks.Refuse(checks, state, Missing(command.ContractorId), command.BaseId, siteKnown, out var rejection))
        {
            return rejection;
        }

        var away = state.EvacuatedFrom(command.BaseId).LowestFrom(command.At);
        if (command.Count > away)
        {
            return Rejection.Conflict(
                $"{state.Company} has {away} people evacuated from base {command.BaseId} and still away from {command.At} on; " +
                $"{command.Count} cannot return");
        }

        return Decision.Accept(new ContractorsReturned(command.ContractorId, command.BaseId, command.Count, command.At));
    }

    public static Decision Decide(ReportContractorCasualties command, Contractor? state, Instant now, bool siteKnown)
    {
        var someone = command.Killed != 0 || command.Injured != 0;
        var checks = new FieldChecks()
            .People(command.Killed, "killed", atLeast: 0)
            .People(command.Injured, "injured", atLeast: 0)
            .Require(someone, "killed", "killed and injured must not both be zero")
            .Require(someone, "injured", "killed and injured must not both be zero")
            .NotAfter(command.At, now, "at");
        if (CommandChecks.Refuse(checks, state, Missing(command.ContractorId), command.BaseId, siteKnown, out var rejection))
        {
            return rejection;
        }

        var people = state.PeopleAt(command.BaseId);
        var there = people.At(command.At);
        if (command.Killed + command.Injured > there)
        {
            return Rejection.Conflict(
                $"{state.Company} has {there} people at base {command.BaseId} at {command.At}; " +
                $"{command.Killed} killed and {command.Injured} injured is more than that");
        }

        var thereLater = people.LowestFrom(command.At);
        if (command.Killed > thereLater)
        {
            return Rejection.Conflict(
                $"{state.Company} has {thereLater} people at base {command.BaseId} at some moment after {command.At}; " +
                $"{command.Killed} killed would leave fewer than none there");
        }

        return Decision.Accept(new ContractorCasualtiesReported(
            command.ContractorId, command.BaseId, command.Killed, command.Injured, command.At));
    }

    private static string Missing(Guid contractorId) => $"no contractor with id {contractorId} is engaged";
}
