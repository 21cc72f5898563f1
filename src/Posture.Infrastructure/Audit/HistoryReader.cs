using JasperFx.Events;
using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Sites;

namespace Posture.Infrastructure.Audit;

/// <summary>
/// Answers site questions from the event history itself rather than from the read models, so an auditor can ask
/// "what did Posture know at K" (only events recorded — Marten's <see cref="IEvent.Timestamp"/> — by K) as well as
/// "what do we know now" about any instant. The events are folded by the same pure domain folds the read models use,
/// into a <see cref="SiteSnapshot"/>, so every view built from a snapshot answers the same way for both paths.
/// </summary>
public sealed class HistoryReader(ThreatOptions options)
{
    /// <summary>The snapshots of long Base streams this reader has read or written (docs/adr/0021).</summary>
    private readonly HistorySnapshots _snapshots = new();

    /// <summary>The stored names of the events people record: Posture's own threat records say nothing the folds read.</summary>
    internal static readonly string[] Recorded = EventCatalogue.StoredNames
        .Where(n => n.Key != typeof(ThreatLevelChanged)).Select(n => n.Value).ToArray();

    internal static readonly Instant EarliestRecordable = Instant.FromDateTimeOffset(DateTimeOffset.MinValue);

    /// <summary>
    /// Every event people recorded by <paramref name="knownAt"/> (all of them when null), in the order they were
    /// recorded. It reads the whole store; a site's own question is answered by AroundAsync from the streams around it.
    /// </summary>
    public static Task<IReadOnlyList<IEvent>> RecordedByAsync(IQuerySession session, Instant? knownAt, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        return RecordedByAsync(session, knownAt, streams: null, cancellation);
    }

    /// <summary>
    /// The snapshot of a site and its neighbours as the history recorded by <paramref name="knownAt"/> tells it; null
    /// when the site was not registered by then.
    /// <para>
    /// Only the streams that can change the answer are read: the Base streams of the site and of every site within
    /// the nearby radius (a site never moves, and is never removed, so today's positions say which were near at any
    /// moment), and every contractor's and mission's stream (few; they carry the people and the organisations' names).
    /// The rest of the history, however long, is not read.
    /// </para>
    /// </summary>
    public async Task<SiteSnapshot?> AroundAsync(IQuerySession session, Guid siteId, Instant? knownAt, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var near = await new SiteReader(options).NearAsync(session, siteId, cancellation).ConfigureAwait(false);
        if (near.Count == 0)
        {
            return null;
        }

        var organisations = await session.Query<Organisation>().Select(o => o.Id).ToListAsync(cancellation).ConfigureAwait(false);
        Guid[] streams = [.. near, .. organisations];
        // A snapshot that cannot be read (its JSON no longer fits today's types) is as good as missing: fold it all.
        var read = await _snapshots.ReadAsync(session, knownAt, streams, fromSnapshots: true, cancellation).ConfigureAwait(false)
                   ?? await _snapshots.ReadAsync(session, knownAt, streams, fromSnapshots: false, cancellation).ConfigureAwait(false)
                   ?? throw new InvalidOperationException("a read without snapshots reads no snapshot");
        var snapshot = Fold(read.Items, options);
        await _snapshots.KeepAsync(session, read, knownAt, near, cancellation).ConfigureAwait(false);
        return snapshot.Site(siteId) is null ? null : snapshot;
    }

    /// <summary>What <see cref="RecordedByAsync(IQuerySession, Instant?, CancellationToken)"/> answers, from these streams only when given.</summary>
    private static async Task<IReadOnlyList<IEvent>> RecordedByAsync(
        IQuerySession session, Instant? knownAt, Guid[]? streams, CancellationToken cancellation)
    {
        IQueryable<IEvent> events = session.Events.QueryAllRawEvents().Where(e => e.EventTypeName.IsOneOf(Recorded));
        if (streams is not null)
        {
            events = events.Where(e => e.StreamId.IsOneOf(streams));
        }

        if (knownAt is { } known)
        {
            // Nothing was recorded before year 1, the earliest instant a DateTimeOffset holds (NodaTime goes back to -9998).
            var cutoff = known < EarliestRecordable ? DateTimeOffset.MinValue : known.ToDateTimeOffset();
            events = events.Where(e => e.Timestamp <= cutoff);
        }

        return await events.OrderBy(e => e.Sequence).ToListAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Folds events (in recorded order) into sites, incident log rows and organisation names exactly as the inline
    /// projections route them (see PostureStore), and into the threat scorer's inputs. A <see cref="BaseHistorySnapshot"/>
    /// among them stands for the events of its stream it covers.
    /// </summary>
    public static SiteSnapshot Fold(IEnumerable<object> events, ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(events);
        var fold = new HistoryFold(threat: true);
        fold.AddRange(events);
        var rows = fold.Rows();
        return new SiteSnapshot(
            rows.Sites.Values.ToList(),
            rows.Incidents.Values.ToList(),
            rows.Organisations.Values.ToDictionary(o => o.Id, o => o.Name),
            fold.Inputs,
            options);
    }

    /// <summary>
    /// The rows of the three inline read models (SitePosture, IncidentLogEntry, Organisation) that folding
    /// <paramref name="events"/> (in recorded order) produces, routed as PostureStore routes them; rows a fold deleted are left out.
    /// </summary>
    public static ReadModelRows FoldReadModels(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var fold = new HistoryFold(threat: false);
        fold.AddRange(events);
        return fold.Rows();
    }
}

/// <summary>
/// The fold behind <see cref="HistoryReader.Fold"/>, one event at a time: the read models' rows by id, routed as
/// PostureStore routes them, and (when asked) the threat scorer's inputs. A <see cref="BaseHistorySnapshot"/> folded in
/// puts back what its stream's covered events made: the folds of a Base stream's events touch only that site, its own
/// incidents and its threat history, and the people changes other streams fold onto the site keep their own order
/// whatever comes between (SitePosture.Evolve), so the snapshot restored where its site began gives the same rows.
/// </summary>
internal sealed class HistoryFold(bool threat)
{
    private readonly Dictionary<Guid, SitePosture?> _sites = [];
    private readonly Dictionary<Guid, IncidentLogEntry?> _incidents = [];
    private readonly Dictionary<Guid, Organisation?> _organisations = [];

    public ThreatInputs Inputs { get; private set; } = ThreatInputs.Empty;

    public void AddRange(IEnumerable<object> events)
    {
        foreach (var @event in events)
        {
            Add(@event);
        }
    }

    public void Add(object @event)
    {
        if (@event is BaseHistorySnapshot restored)
        {
            if (!restored.IsWhole)
            {
                throw new ArgumentException($"Snapshot {restored.Id} holds only what changed since another: assemble its chain first.", nameof(@event));
            }

            _sites[restored.StreamId] = restored.Site;
            foreach (var incident in restored.Incidents)
            {
                _incidents[incident.Id] = incident;
            }

            Inputs = threat ? Inputs with { Sites = Inputs.Sites.SetItem(restored.StreamId, restored.Threat) } : Inputs;
            return;
        }

        Apply(_sites, SiteOf(@event), @event, SitePosture.Evolve);
        Apply(_incidents, IncidentOf(@event), @event, IncidentLogEntry.Evolve);
        Apply(_organisations, OrganisationOf(@event), @event, Organisation.Evolve);
        Inputs = threat ? ThreatInputs.Evolve(Inputs, @event) : Inputs;
    }

    /// <summary>The site folded so far under this id, if any.</summary>
    public SitePosture? Site(Guid id) => _sites.GetValueOrDefault(id);

    /// <summary>The incident log row folded so far under this id, if any (none once retracted).</summary>
    public IncidentLogEntry? Incident(Guid id) => _incidents.GetValueOrDefault(id);

    /// <summary>How many sites and organisations the fold has met (removed or not).</summary>
    public (int Sites, int Organisations) Met => (_sites.Count, _organisations.Count);

    public ReadModelRows Rows() => new(Present(_sites), Present(_incidents), Present(_organisations));

    private static void Apply<T>(Dictionary<Guid, T?> rows, Guid? id, object @event, Func<T?, object, T?> evolve) where T : class
    {
        if (id is { } key)
        {
            rows[key] = evolve(rows.GetValueOrDefault(key), @event);
        }
    }

    private static Dictionary<Guid, T> Present<T>(Dictionary<Guid, T?> rows) where T : class =>
        rows.Where(r => r.Value is not null).ToDictionary(r => r.Key, r => r.Value!);

    private static Guid? SiteOf(object @event) => @event is IBaseEvent e ? e.BaseId : Headcount.ChangeOf(@event)?.BaseId;

    /// <summary>The incident log row an event folds into, if any.</summary>
    public static Guid? IncidentOf(object @event) => @event switch
    {
        IIncidentOccurred e => e.IncidentId,
        IncidentCorrected e => e.IncidentId,
        IncidentRetracted e => e.IncidentId,
        _ => null,
    };

    private static Guid? OrganisationOf(object @event) => @event switch
    {
        Domain.Contractors.ContractorEngaged e => e.ContractorId,
        Domain.Missions.MissionLaunched e => e.MissionId,
        Domain.Missions.MissionExpanded e => e.MissionId,
        Domain.Missions.MissionReduced e => e.MissionId,
        _ => null,
    };
}

/// <summary>The read models' rows by id, as a fold of the history produced them.</summary>
public sealed record ReadModelRows(
    IReadOnlyDictionary<Guid, SitePosture> Sites,
    IReadOnlyDictionary<Guid, IncidentLogEntry> Incidents,
    IReadOnlyDictionary<Guid, Organisation> Organisations);
