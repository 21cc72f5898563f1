using Microsoft.AspNetCore.Diagnostics;

namespace Posture.Api.Http;

/// <summary>
/// Two writers raced for the same stream and this one lost: a 409 the caller can retry, not a 500.
/// </summary>
public sealed class StorageConflictHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!StorageConflicts.IsLostRace(exception))
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status409Conflict;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = "Another change to the same record was saved first; read it again and retry.",
            },
        }).ConfigureAwait(false);
    }
}
