using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Posture.Infrastructure.Storage;

namespace Posture.Api.Http;

/// <summary>
/// The database is down, restarting or too slow to answer (<see cref="DatabaseOutages"/>): a 503 with Retry-After the
/// caller can act on, not a 500 and not a hang. A command that got this answer may or may not have been saved; the
/// caller retries it under the same Idempotency-Key and gets exactly one copy (ADR 0009).
/// </summary>
public sealed partial class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!DatabaseOutages.IsOutage(exception))
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = DatabaseOutages.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable",
                Detail = "Posture cannot reach its database right now. Retry in a few seconds; retry a command with the " +
                         "same Idempotency-Key, so that it is recorded once whether or not this attempt was.",
            },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);
}
