using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;
using Microsoft.OpenApi;
using NodaTime;

namespace Posture.Api.Auth;

/// <summary>
/// Every HTTP call is authenticated and authorized (ADR "authentication"): a bearer token in Jwt mode, the
/// <c>X-Posture-User</c> header in Development mode; then the role the endpoint <see cref="RequiresAttribute">requires</see>.
/// 401 and 403 are ProblemDetails.
/// </summary>
public static partial class PostureAuthentication
{
    public const string SecuritySchemeName = "Bearer";

    /// <summary>The policy of an endpoint that forgot to declare the role it requires: nobody may call it.</summary>
    private const string NobodyPolicy = "posture:nobody";

    public static void AddPostureAuthentication(this IServiceCollection services, AuthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        if (settings.Mode == AuthMode.Jwt)
        {
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
            services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IClock>((options, clock) =>
            {
                // Claims keep their JWT names (sub, role) instead of being renamed to long XML-schema URIs.
                options.MapInboundClaims = false;
                options.TokenValidationParameters = AccessTokens.ValidationParameters(settings, clock);
            });
        }
        else
        {
            services.AddAuthentication(DevelopmentAuthentication.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, DevelopmentAuthentication>(DevelopmentAuthentication.SchemeName, null);
        }

        services.AddAuthorization(options =>
        {
            foreach (var role in Roles.All)
            {
                options.AddPolicy(role.Policy(), policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Satisfying(role).Select(r => r.Name())));
            }

            // Fail closed: an endpoint that declares no role is refused to everyone (see Protect). Anything else, such
            // as a URL that matches no endpoint, needs a caller: an anonymous probe learns nothing, a caller gets 404.
            options.AddPolicy(NobodyPolicy, policy => policy.RequireAuthenticatedUser().RequireAssertion(_ => false));
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationProblems>();
    }

    /// <summary>Guards a Wolverine endpoint by the role its method requires, and says so in the OpenAPI document.</summary>
    public static void Protect(HttpChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Method.Method.GetCustomAttribute<RequiresAttribute>() is { } requires)
        {
            chain.Metadata.RequireAuthorization(requires.Role.Policy()).WithMetadata(requires);
        }
        else
        {
            chain.Metadata.RequireAuthorization(NobodyPolicy);
        }

        chain.Metadata.ProducesProblem(StatusCodes.Status401Unauthorized);
        chain.Metadata.ProducesProblem(StatusCodes.Status403Forbidden);
    }

    /// <summary>Adds the middleware, and in Development mode says loudly that the host accepts anyone.</summary>
    public static void UsePostureAuthentication(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<AuthSettings>().Mode == AuthMode.Development)
        {
            LogInsecure(app.Logger);
        }

        app.UseAuthentication();
        app.UseAuthorization();
    }

    /// <summary>Declares the bearer scheme in the OpenAPI document and requires it of every operation.</summary>
    public static void DescribeBearerScheme(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT signed with Posture's key (`posture token --user NAME --role officer`); its `sub` is the caller, its `role` claims the roles.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] }];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "INSECURE: Posture:Auth:Mode=Development. Every request is accepted, named by its X-Posture-User header, and holds every role. "
        + "Use it only for a demo on your own machine; never expose this host.")]
    private static partial void LogInsecure(ILogger logger);
}

/// <summary>401 and 403 as ProblemDetails that say what to do.</summary>
public sealed class AuthorizationProblems(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Challenged)
        {
            // The scheme's own challenge sets 401 and WWW-Authenticate (RFC 6750); the body says why in words.
            await context.ChallengeAsync().ConfigureAwait(false);
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Authentication required", await WhyUnauthenticatedAsync(context).ConfigureAwait(false)).ConfigureAwait(false);
        }
        else if (authorizeResult.Forbidden)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            var detail = context.GetEndpoint()?.Metadata.GetMetadata<RequiresAttribute>() is { } requires
                ? $"{HttpCaller.Name(context)} does not hold a role this needs: {string.Join(" or ", Roles.Satisfying(requires.Role).Select(r => r.Name()))}."
                : "This endpoint declares no role, so nobody may call it.";
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", detail).ConfigureAwait(false);
        }
        else
        {
            await next(context).ConfigureAwait(false);
        }
    }

    private static async Task<string> WhyUnauthenticatedAsync(HttpContext context)
    {
        const string how = "Send Authorization: Bearer <token>; `posture token --user NAME --role ROLE` mints one with the configured key.";
        // The scheme remembers its result for the request: this is the failure it met, not a second validation.
        var result = await context.AuthenticateAsync().ConfigureAwait(false);
        return result.Failure switch
        {
            null => "No bearer token. " + how,
            SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNotYetValidException =>
                "The bearer token has expired (or is not valid yet). " + how,
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                "The bearer token is not signed with Posture's key. " + how,
            _ => "The bearer token is not valid. " + how,
        };
    }

    private Task WriteAsync(HttpContext context, int status, string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
}
