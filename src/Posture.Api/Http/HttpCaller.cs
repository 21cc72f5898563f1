using Posture.Api.Auth;

namespace Posture.Api.Http;

/// <summary>
/// The name recorded as the user of the events an HTTP request produces: the authenticated identity (a token's
/// <c>sub</c>; in Development mode, the <c>X-Posture-User</c> header), never anything the request body says.
/// </summary>
public static class HttpCaller
{
    /// <summary>The standard header (IETF draft "The Idempotency-Key HTTP Header Field") a client retries under.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Set on a response that repeats the outcome of an earlier request with the same key.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The authenticated caller's name, or "anonymous" before authentication (e.g. in a 401 answer).</summary>
    public static string Name(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.Identity is { IsAuthenticated: true, Name: { } name } && !string.IsNullOrWhiteSpace(name)
            ? name.Trim()[..Math.Min(name.Trim().Length, AccessTokens.MaxNameLength)]
            : "anonymous";
    }

    /// <summary>The request's idempotency key, if it has one (its length was checked by <see cref="IdempotencyKeyCheck"/>).</summary>
    public static string? IdempotencyKey(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.Request.Headers[IdempotencyKeyHeader].ToString();
        return string.IsNullOrWhiteSpace(key) ? null : key.Trim();
    }

    /// <summary>The version an If-Match header names (<c>"3"</c>, or weak <c>W/"3"</c>); its form was checked by <see cref="IdempotencyKeyCheck"/>.</summary>
    public static long? ExpectedVersion(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.IfMatch.ToString();
        return string.IsNullOrWhiteSpace(header) || header.Trim() == "*" ? null : ParseEntityTag(header);
    }

    /// <summary>The version in an entity tag such as <c>"3"</c> or <c>W/"3"</c>, or null when it is not one of ours.</summary>
    public static long? ParseEntityTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var text = tag.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        return text.Length > 2 && text[0] == '"' && text[^1] == '"'
               && long.TryParse(text[1..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }

    /// <summary>
    /// An id for something the request creates: random, or, under an idempotency key, the same on every retry so
    /// that the retried command is the same command.
    /// </summary>
    public static Guid NewId(HttpContext context, string purpose) =>
        IdempotencyKey(context) is { } key ? IdempotentIds.For(Name(context), key, purpose) : Guid.NewGuid();

    /// <summary>Sends the command as this request's caller, under its idempotency key, and marks a replayed answer.</summary>
    public static async Task<CommandOutcome> SendAsync(this IMessageBus bus, HttpContext context, object command)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(context);
        var outcome = await bus.SendCommandAsync(
            command, Name(context), IdempotencyKey(context), ExpectedVersion(context), context.RequestAborted).ConfigureAwait(false);
        if (outcome.Replayed)
        {
            context.Response.Headers[ReplayedHeader] = "true";
        }

        return outcome;
    }
}

/// <summary>Refuses a malformed Idempotency-Key or If-Match header before any endpoint runs.</summary>
public sealed class IdempotencyKeyCheck(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problems);
        if (context.Request.Headers.TryGetValue(HttpCaller.IdempotencyKeyHeader, out var keys)
            && (keys.Count != 1 || string.IsNullOrWhiteSpace(keys[0]) || keys[0]!.Trim().Length > Callers.MaxIdempotencyKeyLength))
        {
            await RefuseAsync(context, problems, "The Idempotency-Key header is not valid",
                $"Give one Idempotency-Key of 1 to {Callers.MaxIdempotencyKeyLength} characters.").ConfigureAwait(false);
            return;
        }

        if (context.Request.Headers.TryGetValue("If-Match", out var tags)
            && (tags.Count != 1 || (tags[0]!.Trim() != "*" && HttpCaller.ParseEntityTag(tags[0]!) is null)))
        {
            await RefuseAsync(context, problems, "The If-Match header is not valid",
                "Give one entity tag as the ETag header of the record's GET answered it, e.g. If-Match: \"3\".").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static async Task RefuseAsync(HttpContext context, IProblemDetailsService problems, string title, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }
}
