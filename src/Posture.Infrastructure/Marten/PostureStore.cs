using System.Runtime.CompilerServices;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services.Json.Transformations;
using Posture.Domain.Bases;
using Posture.Domain.Contractors;
using Posture.Domain.Incidents;
using Posture.Domain.Missions;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Json;
using Posture.Infrastructure.Sites;
using Weasel.Core;

namespace Posture.Infrastructure.Marten;

/// <summary>How Posture's Marten store is laid out: schema, JSON dialect, pinned event names, metadata, projections.</summary>
public static class PostureStore
{
    public const string Schema = "posture";

    /// <summary>The decision states kept as inline snapshot documents rather than folded live from their streams.</summary>
    public static readonly IReadOnlySet<Type> DecisionSnapshots = new HashSet<Type> { typeof(Base), typeof(ThreatRecord) };

    /// <summary>Old shapes of stored events, read as today's (docs/events.md, change log), by Marten and by Posture's own rebuild.</summary>
    public static IReadOnlyList<IEventUpcaster> Upcasters { get; } = [new RocketAttackUpcaster()];

    /// <summary>
    /// Every projection kept in the store (inline) that is a <see cref="DomainFold{TDocument}"/> or
    /// <see cref="DomainMultiFold{TDocument}"/>, as the folds it delegates to: what Posture's one-pass rebuild folds.
    /// (The running threat sums, a fold of their own, are folded by the rebuild as well: ProjectionRebuild.)
    /// </summary>
    public static IReadOnlyList<IDomainFold> StoredFolds(IReadOnlyStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var inline = options is StoreOptions laidOut && InlineReadModels.TryGetValue(laidOut, out var folds) ? folds.Folds : [];
        return
        [
            .. options.Events.Projections().OfType<ProjectionBase>().Where(p => p.Lifecycle != ProjectionLifecycle.Live).OfType<IDomainFold>(),
            .. inline.OfType<IDomainFold>().Where(f => f is not ThreatSumProjection),
        ];
    }

    /// <summary>
    /// Lays the store out. <paramref name="threat"/> (default: the documented defaults) is what the running threat sums
    /// are built with; hosts pass their configured options.
    /// </summary>
    private static readonly ConditionalWeakTable<StoreOptions, ThreatSumProjection> ThreatSumProjections = [];

    /// <summary>The read models a store this class laid out keeps inline (<see cref="InlineFolds"/>).</summary>
    private static readonly ConditionalWeakTable<StoreOptions, InlineFolds> InlineReadModels = [];

    /// <summary>The running threat sums' projection of a store this class laid out (what verifying and rebuilding them fold with).</summary>
    public static ThreatSumProjection ThreatSumsOf(IDocumentStore store) =>
        store is DocumentStore { Options: { } options } && ThreatSumProjections.TryGetValue(options, out var sums)
            ? sums
            : new ThreatSumProjection(ThreatOptions.Default);

    public static void Configure(StoreOptions options, string connectionString, ThreatOptions? threat = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Marten's statements prepared once per connection, not parsed and planned on every call (docs/adr/0022).
        options.Connection(Storage.PostureDatabase.WithStatementPreparation(connectionString));
        options.DatabaseSchemaName = Schema;
        // A failed commit is not replayed by Marten: the read models it writes were folded from rows read locked in
        // its transaction (docs/adr/0028), and a replay would write them without the locks, after the rollback let
        // another writer in. Posture retries the whole command instead, reading and deciding again (ADR 0009).
        options.ConfigureWritePolly(_ => { });
        // Marten builds its LINQ paths from its own casing setting: it must match the camelCase we store.
        options.UseSystemTextJsonForSerialization(casing: Casing.CamelCase, configure: o => PostureJson.Configure(o));

        EventCatalogue.Register(options.Events);
        // Old shapes of stored events, read as today's (docs/events.md, change log).
        options.Events.Upcast([.. Upcasters]);
        // Who recorded an event, and the correlation and causation ids of the command that produced it.
        // (EnableAll covers correlation, causation and headers; the user name is switched on by itself.)
        options.Events.MetadataConfig.EnableAll();
        options.Events.MetadataConfig.UserNameEnabled = true;
        // Each event carries a hash chained to the one before it in its stream, set by a trigger (docs/audit.md).
        EventChain.Register(options);
        // Commands about an incident read its few events by this index, whatever the length of its base's stream.
        IncidentIndex.Register(options);

        // The decision state of a base and of a site's threat stream is kept as a snapshot document, updated in the
        // same transaction as the events: a command loads one document instead of folding the whole stream, which
        // grows with every incident (docs/performance.md). Marten's FetchForWriting reads the snapshot and checks the
        // stream's version, so concurrency is unchanged; time travel (AggregateStreamAsync) still folds the events.
        // (A stream whose snapshot is missing, as in a store kept from before them, is folded once when a command
        // first needs it: StreamDecisions.DecideAsync.)
        options.Projections.Add(
            new DomainFold<Base>(Base.Evolve).Taking(EventCatalogue.StoredNames.Keys.Where(typeof(IBaseEvent).IsAssignableFrom)),
            ProjectionLifecycle.Inline);
        options.Projections.Add(new DomainFold<ThreatRecord>(ThreatRecord.Evolve).Taking([typeof(ThreatLevelChanged)]), ProjectionLifecycle.Inline);
        // (Contractor and Mission hold RunningCounts, which are not JSON documents: Live is their only lifecycle.)
        options.Projections.Add(new DomainFold<Contractor>(Contractor.Evolve), ProjectionLifecycle.Live);
        options.Projections.Add(new DomainFold<Mission>(Mission.Evolve), ProjectionLifecycle.Live);
        // Read models are kept in the same transaction as the events that change them, their rows read in one round
        // trip (InlineFolds, docs/adr/0023). A site is fed by its Base stream and by every contractor and mission that
        // moves people there.
        var sums = new ThreatSumProjection(threat ?? ThreatOptions.Default);
        ThreatSumProjections.AddOrUpdate(options, sums);
        var readModels = new InlineFolds([
            new DomainMultiFold<SitePosture>(SitePosture.Evolve, s => s.Id)
                .Route<IBaseEvent>(e => e.BaseId)
                .Route<ContractorsDeployed>(e => e.BaseId)
                .Route<ContractorsEvacuated>(e => e.BaseId)
                .Route<ContractorsReturned>(e => e.BaseId)
                .Route<ContractorCasualtiesReported>(e => e.BaseId)
                .Route<MissionPersonnelAssigned>(e => e.BaseId)
                .Route<MissionPersonnelWithdrawn>(e => e.BaseId),
            new DomainMultiFold<Organisation>(Organisation.Evolve, o => o.Id)
                .Route<ContractorEngaged>(e => e.ContractorId)
                .Route<MissionLaunched>(e => e.MissionId)
                .Route<MissionExpanded>(e => e.MissionId)
                .Route<MissionReduced>(e => e.MissionId),
            new DomainMultiFold<IncidentLogEntry>(IncidentLogEntry.Evolve, i => i.Id)
                // An incident id another base holds is refused by the decision (IncidentRecords.HeldElsewhere); one
                // recorded there between the decision and the commit makes the command a lost race.
                .HeldByAnother((row, e) => e is IIncidentOccurred occurred && row.SiteId != occurred.BaseId)
                .Route<IIncidentOccurred>(e => e.IncidentId)
                .Route<IncidentCorrected>(e => e.IncidentId)
                .Route<IncidentRetracted>(e => e.IncidentId),
            // Each site's own incidents as one running decayed figure, so a reassessment and the site list know most
            // bands without reading incidents (docs/adr/0018-running-threat-sums.md).
            sums,
        ]);
        InlineReadModels.AddOrUpdate(options, readModels);
        options.Projections.Add(readModels, ProjectionLifecycle.Inline, "ReadModels");
        // The read models keep the numeric revisions Marten gives the documents of its own projections (the tables
        // are unchanged from when they were).
        options.Schema.For<Organisation>().Identity(x => x.Id).UseNumericRevisions(true);
        // A site's incidents by when they happened: a site read lists them by its site (IncidentRows), and the site list
        // finds each site's last one (LastIncidents) without reading the rows. (Named: the default name is too long.)
        options.Schema.For<IncidentLogEntry>().Identity(x => x.Id).UseNumericRevisions(true)
            .Index(x => new { x.SiteId, x.OccurredAtUnixMilliseconds }, index => index.Name = LastIncidents.IndexName)
            .Index(x => x.OccurredAtUnixMilliseconds);
        // A site's position also in columns of its own (sites never move): finding a site's neighbours reads them
        // without the documents, which grow with every incident (SiteReader.PlacesAsync, docs/adr/0020).
        options.Schema.For<SitePosture>().Identity(x => x.Id).UseNumericRevisions(true)
            .Duplicate(x => x.Latitude)
            .Duplicate(x => x.Longitude);
        options.Schema.For<SiteThreatSum>().Identity(x => x.Id);
        // Snapshots of long Base streams for asOf / knownAt (docs/adr/0021, 0027): chained and chosen by these columns,
        // without reading the documents.
        options.Schema.For<BaseHistorySnapshot>().Identity(x => x.Id)
            .Duplicate(x => x.StreamId)
            .Duplicate(x => x.StreamVersion)
            .Duplicate(x => x.PreviousVersion)
            .Duplicate(x => x.RegisteredSequence)
            .Duplicate(x => x.KnownBy)
            .Duplicate(x => x.ChainHash)
            .Duplicate(x => x.Shape);
        options.Schema.For<CommandReceipt>().Identity(x => x.Id);
        options.Schema.For<Alert>().Identity(x => x.Id).Index(x => x.AtUnixMilliseconds);
    }
}
