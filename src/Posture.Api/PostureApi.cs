using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx;
using Microsoft.AspNetCore.Http.Json;
using NodaTime;
using Posture.Api.Auth;
using Posture.Api.Http;
using Posture.Infrastructure;
using Posture.Infrastructure.Json;
using Posture.Infrastructure.Sites;
using Posture.Infrastructure.Storage;
using Wolverine;
using Wolverine.Http;

namespace Posture.Api;

/// <summary>
/// Composes the HTTP host. Program.cs, the CLI's <c>serve</c> and the integration tests all build it here, so
/// what is tested is what runs.
/// </summary>
public static class PostureApi
{
    /// <summary>
    /// A builder for the HTTP host. Without <paramref name="database"/>, the database is resolved from configuration
    /// (POSTURE_DB, ConnectionStrings:Posture) or Posture's private PostgreSQL is started.
    /// </summary>
    public static async Task<WebApplicationBuilder> CreateBuilderAsync(string[] args, PostureDatabase? database = null, IClock? clock = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Read before anything starts, so a bad setting stops Posture with one line instead of failing a request.
        var threatOptions = ThreatConfiguration.From(builder.Configuration);
        var authSettings = AuthSettings.From(builder.Configuration);
        if (database is null)
        {
            using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
            database = await PostureDatabase.OpenAsync(builder.Configuration, loggers.CreateLogger("Posture.Storage")).ConfigureAwait(false);
        }

        builder.Services.AddPostureCore(database, clock ?? SystemClocks.System, threatOptions);
        builder.Host.UseWolverine(options =>
        {
            // Under a test host the entry assembly is the test project: name ours, or endpoints are not found.
            options.ApplicationAssembly = typeof(PostureApi).Assembly;
            PostureServices.ConfigureBus(options);
        });
        builder.Services.AddWolverineHttp();
        builder.Services.ConfigureSystemTextJsonForWolverineOrMinimalApi(o =>
        {
            PostureJson.Configure(o.SerializerOptions);
            // A caller who misspells a field learns of it instead of having it silently ignored.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddPostureLimits(builder.Configuration);
        builder.Services.AddPostureAuthentication(authSettings);
        builder.Services.AddOpenApi(options =>
        {
            // Endpoints answer IResult and declare what they really answer ([ProducesResponseType]); Wolverine also
            // infers a generic "200: IResult", which is dropped where the endpoint creates (201) instead.
            options.AddOperationTransformer((operation, _, _) =>
            {
                if (operation.Responses is { } responses && responses.ContainsKey("201"))
                {
                    responses.Remove("200");
                }

                return Task.CompletedTask;
            });
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Components?.Schemas?.Remove(nameof(IResult));
                PostureAuthentication.DescribeBearerScheme(document);
                EnumSchemas.Describe(document);
                return Task.CompletedTask;
            });
        });
        builder.Services.AddExceptionHandler<StorageConflictHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        return builder;
    }

    /// <summary>Adds Posture's middleware and endpoints to a built application.</summary>
    public static void MapPosture(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UsePostureAuthentication();
        app.UseMiddleware<BodySizeLimit>();
        app.UseMiddleware<IdempotencyKeyCheck>();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        app.MapWolverineEndpoints(options => options.ConfigureEndpoints(chain =>
        {
            PostureAuthentication.Protect(chain);
            RequiredBody.Apply(chain);
            // What every endpoint can answer besides success, for the OpenAPI document: bad input, an unknown id, the
            // database unavailable (503, with Retry-After), and for writes a refusal, a lost race or a stale If-Match
            // (409) and a reused idempotency key (422).
            chain.Metadata.ProducesValidationProblem();
            chain.Metadata.ProducesProblem(StatusCodes.Status404NotFound);
            chain.Metadata.ProducesProblem(StatusCodes.Status503ServiceUnavailable);
            if (chain.HttpMethods.Contains("POST"))
            {
                chain.Metadata.ProducesProblem(StatusCodes.Status409Conflict);
                chain.Metadata.ProducesProblem(StatusCodes.Status413PayloadTooLarge);
                chain.Metadata.ProducesProblem(StatusCodes.Status422UnprocessableEntity);
                chain.Metadata.ProducesProblem(StatusCodes.Status429TooManyRequests);
                chain.Metadata.RequireRateLimiting(RequestLimits.WritePolicy);
            }
            else
            {
                chain.Metadata.ProducesProblem(StatusCodes.Status503ServiceUnavailable);
                chain.Metadata.WithRequestTimeout(RequestLimits.ReadPolicy);
            }
        }));
        // Describing the API is a read like any other.
        app.MapOpenApi().RequireAuthorization(Role.Viewer.Policy()).WithMetadata(new RequiresAttribute(Role.Viewer));
    }

    public static async Task<int> RunAsync(string[] args)
    {
        WebApplicationBuilder builder;
        try
        {
            builder = await CreateBuilderAsync(args).ConfigureAwait(false);
        }
        catch (PostureStartupException e)
        {
            await Console.Error.WriteLineAsync($"posture: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        await using var app = builder.Build();
        MapPosture(app);
        return await app.RunJasperFxCommands(args).ConfigureAwait(false);
    }
}
