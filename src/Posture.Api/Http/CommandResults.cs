using Posture.Domain.Common;
using Posture.Infrastructure.Bus;

namespace Posture.Api.Http;

/// <summary>Turns a command's outcome into HTTP: the success the endpoint chose, or a ProblemDetails for a refusal.</summary>
public static class CommandResults
{
    public static IResult From(CommandOutcome outcome, Func<CommandOutcome, IResult> onAccepted)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(onAccepted);
        return outcome.Rejection is { } rejection ? Problem(rejection) : onAccepted(outcome);
    }

    /// <summary>Sends the command as the request's caller and answers its outcome (see <see cref="HttpCaller.SendAsync"/>).</summary>
    public static async Task<IResult> SendAsync(IMessageBus bus, HttpContext http, object command, Func<CommandOutcome, IResult> onAccepted) =>
        From(await bus.SendAsync(http, command).ConfigureAwait(false), onAccepted);

    public static IResult Problem(Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return rejection.Kind switch
        {
            RejectionKind.Invalid => Results.ValidationProblem(
                rejection.Problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Problem).ToArray()),
                detail: rejection.Reason,
                title: "The command is not valid"),
            RejectionKind.NotFound => Results.Problem(rejection.Reason, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            RejectionKind.KeyReused => Results.Problem(
                rejection.Reason, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused for a different request"),
            _ => Results.Problem(rejection.Reason, statusCode: StatusCodes.Status409Conflict, title: "Refused"),
        };
    }

    /// <summary>A 400 naming one field's problem, found before any command is sent.</summary>
    public static IResult Invalid(string field, string problem) => Problem(Rejection.Invalid([new FieldProblem(field, problem)]));

    /// <summary>
    /// A 400 naming every required field the request left out, or null when all are there. Checked before any
    /// command is sent, so a missing number is never read as 0.
    /// </summary>
    public static IResult? MissingFields(params (string Field, object? Value)[] required)
    {
        var problems = required.Where(r => r.Value is null).Select(r => new FieldProblem(r.Field, "is required")).ToArray();
        return problems.Length == 0 ? null : Problem(Rejection.Invalid(problems));
    }
}
