using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;

namespace Posture.Api.Http;

/// <summary>
/// What one caller may ask of the service (OWASP API Security Top 10, 2023, API4: unrestricted resource consumption):
/// request bodies of at most <c>Posture:Limits:MaxBodyKilobytes</c> (default 64 KB; the largest command is a few KB),
/// and at most <c>Posture:Limits:WritesPerMinute</c> writes per caller (default 600, in a token bucket that refills
/// every minute). Lists are paged and capped by their endpoints (<see cref="Paging"/>). Over a limit: 413 or 429, as
/// ProblemDetails. A read that takes longer than <c>Posture:Limits:ReadTimeoutSeconds</c> (default 30) is abandoned,
/// its database query cancelled, and answered 503 as ProblemDetails with a Retry-After.
/// </summary>
public static class RequestLimits
{
    public const string WritePolicy = "writes";

    public const string ReadPolicy = "reads";

    public static void AddPostureLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var writesPerMinute = Math.Max(1, configuration.GetValue("Posture:Limits:WritesPerMinute", 600));
        var readTimeout = TimeSpan.FromSeconds(Math.Max(0.01, configuration.GetValue("Posture:Limits:ReadTimeoutSeconds", 30.0)));
        services.AddRequestTimeouts(options => options.AddPolicy(ReadPolicy, new RequestTimeoutPolicy
        {
            Timeout = readTimeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            WriteTimeoutResponse = async http =>
            {
                http.Response.Headers.RetryAfter = "5";
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status503ServiceUnavailable,
                        Title = "The read took too long",
                        Detail = $"It was abandoned after {readTimeout.TotalSeconds:0.##} s; retry later, or ask for less (a shorter span, a smaller page).",
                    },
                }).ConfigureAwait(false);
            },
        }));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(WritePolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                HttpCaller.Name(context),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = writesPerMinute,
                    TokensPerPeriod = writesPerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            options.OnRejected = async (rejected, cancellation) =>
            {
                var http = rejected.HttpContext;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many writes",
                        Detail = $"{HttpCaller.Name(http)} may send at most {writesPerMinute} writes a minute; wait and retry.",
                    },
                }).ConfigureAwait(false);
            };
        });
    }
}

/// <summary>Refuses a request body larger than the configured limit before anything reads it.</summary>
public sealed class BodySizeLimit(RequestDelegate next, IConfiguration configuration)
{
    private readonly long _maxBytes = Math.Max(1, configuration.GetValue("Posture:Limits:MaxBodyKilobytes", 64)) * 1024L;

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problems);
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            // Also caps a body sent without Content-Length (chunked), where the server enforces it while reading.
            feature.MaxRequestBodySize = _maxBytes;
        }

        if (context.Request.ContentLength > _maxBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "The request body is too large",
                    Detail = $"Send at most {_maxBytes / 1024} KB.",
                },
            }).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
