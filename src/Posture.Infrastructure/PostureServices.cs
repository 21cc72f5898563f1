using JasperFx;
using JasperFx.CodeGeneration;
using Marten;
using Npgsql;
using Wolverine.ErrorHandling;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Posture.Infrastructure.Bases;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Sites;
using Posture.Infrastructure.Storage;
using Posture.Domain.Threats;
using Wolverine;
using Wolverine.Marten;

namespace Posture.Infrastructure;

/// <summary>The composition every host shares: Marten on the chosen database, Wolverine's bus and handlers, the clock.</summary>
public static class PostureServices
{
    /// <summary>Registers storage and the clock. <paramref name="database"/> is owned by the container from here on.</summary>
    public static IServiceCollection AddPostureCore(this IServiceCollection services, PostureDatabase database, IClock clock, ThreatOptions threatOptions)
    {
        ArgumentNullException.ThrowIfNull(database);
        services.AddSingleton(threatOptions);
        services.AddSingleton<SiteReader>();
        services.AddSingleton<Audit.HistoryReader>();
        services.AddHostedService<ThreatSweep>();
        services.AddHostedService<Bus.ReceiptExpiry>();
        // Registered through a factory, and resolved by the store's own factory below, so the container creates it
        // before the store and disposes it after (stopping a private server) when the host ends.
        services.AddSingleton(_ => database);
        services.AddSingleton(clock);
        services.AddMarten(provider =>
            {
                var options = new StoreOptions();
                PostureStore.Configure(options, provider.GetRequiredService<PostureDatabase>().ConnectionString, threatOptions);
                return options;
            })
            .UseLightweightSessions()
            .IntegrateWithWolverine()
            .ApplyAllDatabaseChangesOnStartup();
        return services;
    }

    /// <summary>The bus: handlers from this assembly, transactions applied automatically, durable local queues.</summary>
    public static void ConfigureBus(WolverineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Discovery.IncludeAssembly(typeof(BaseCommandHandler).Assembly);
        options.Policies.AutoApplyTransactions();
        options.Policies.UseDurableLocalQueues();
        // The reassessments commands cascade are gathered into batches, each handled in one transaction; their members
        // stay in the durable inbox until their batch is handled (docs/adr/0031).
        options.BatchMessagesOf<ThreatInputsChanged>(ThreatReassessmentHandler.Batching);
        // Posture runs as one node per database. In Solo mode that node is always node 1, so after a crash the
        // restarted process owns, and delivers at once, the cascaded messages the dead one stored but had not handled;
        // Balanced mode would wait for the dead node to be declared stale (a minute or more). See ADR 0015.
        options.Durability.Mode = DurabilityMode.Solo;

        // Lost an optimistic-concurrency race: decide again on the fresh state. Deciding is pure and nothing was
        // written, so re-running is safe; an idempotency receipt or a business rule then refuses real duplicates.
        options.OnException(StorageConflicts.IsLostRace).RetryWithCooldown([.. StorageConflicts.RetryCooldowns]);
        // The database is down or restarting (DatabaseOutages): retry with a short cool-down. A command sent over HTTP
        // is invoked inline, so after these ~2.6 s its caller gets the exception, answered 503 with Retry-After: the
        // scheduled retries below never apply inline. A queued message (a cascaded threat re-evaluation, an alert)
        // is retried for about ten minutes, so an outage of a few minutes delays it but does not dead-letter it.
        options.OnException(DatabaseOutages.IsOutage)
            .RetryWithCooldown([.. DatabaseOutages.InlineRetryCooldowns])
            .Then.ScheduleRetry(
                TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2),
                TimeSpan.FromMinutes(5))
            .Then.MoveToErrorQueue();
        // Other database errors: retry with a cool-down; a message that still fails goes to the dead-letter table
        // (wolverine_dead_letters) for an operator, never silently dropped.
        options.OnException<NpgsqlException>().RetryWithCooldown([.. DatabaseOutages.InlineRetryCooldowns]).Then.MoveToErrorQueue();
        options.CodeGeneration.TypeLoadMode = TypeLoadMode.Dynamic;
    }
}
