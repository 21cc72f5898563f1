using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;

namespace Posture.Infrastructure.Audit;

/// <summary>
/// What <see cref="HistoryReader"/>'s fold of one Base stream (the people's kinds, not archived) changed between
/// <see cref="PreviousVersion"/> and <see cref="StreamVersion"/>, kept so that an <c>asOf</c> / <c>knownAt</c> read folds
/// only the events after the newest one (docs/adr/0021-history-snapshots-for-asof-and-knownat.md). Derived data: written
/// by the reader itself, dropped by <c>projections rebuild</c>, never read by the audit, and trusted only while the event
/// at <see cref="StreamVersion"/> still carries <see cref="ChainHash"/> (the chain, docs/adr/0014) and <see cref="Shape"/>
/// is today's.
/// <para>
/// Each snapshot holds only what changed since the one before it (docs/adr/0027), so a stream's snapshots store each
/// incident about once, not once per snapshot after it: <see cref="Site"/> is the site as the stream alone makes it at
/// <see cref="StreamVersion"/> (no people changes: those come from the contractors' and missions' streams, and are
/// folded onto it at read) except that its floors are only those added since; <see cref="Incidents"/> the incident
/// log rows its events created or changed since, in the order the fold first met them, and <see cref="Removed"/> the
/// rows they removed (retractions); <see cref="Threat"/> what scoring reads of the stream, its incidents and floors
/// likewise only those changed or added since. A read puts a stream's chain of snapshots together
/// (<see cref="Assemble"/>) into one with <see cref="PreviousVersion"/> 0, the whole fold up to its version, and restores
/// it into a fold at <see cref="RegisteredSequence"/>, where the site began, so a people change recorded before the site
/// was registered is dropped exactly as the whole fold drops it.
/// </para>
/// </summary>
public sealed record BaseHistorySnapshot(
    string Id,
    Guid StreamId,
    long StreamVersion,
    long PreviousVersion,
    long RegisteredSequence,
    DateTimeOffset KnownBy,
    string ChainHash,
    string Shape,
    SitePosture Site,
    IReadOnlyList<IncidentLogEntry> Incidents,
    IReadOnlyList<Guid> Removed,
    SiteThreatHistory Threat)
{
    /// <summary>
    /// A snapshot is kept every this many events of a stream. A read folds at most this many events past the newest
    /// snapshot; a stream of n events keeps n / Every snapshots, which together hold each incident about once
    /// (docs/adr/0027: at 250 the 249 events after a snapshot cost about twice the rest of a read).
    /// </summary>
    public const int Every = 50;

    /// <summary>Whether this snapshot is the whole fold up to its version (as assembled for a read), not what changed since another.</summary>
    public bool IsWhole => PreviousVersion == 0;

    /// <summary>
    /// <paramref name="whole"/> (the whole fold up to its version, or nothing) followed by <paramref name="chain"/>, the
    /// snapshots after it in version order, each following the one before: the whole fold up to the last one's version.
    /// Rows keep the place the fold first gave them; a removed row is left out.
    /// </summary>
    public static BaseHistorySnapshot Assemble(BaseHistorySnapshot? whole, IEnumerable<BaseHistorySnapshot> chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (whole is { IsWhole: false })
        {
            throw new ArgumentException("A chain is assembled onto a whole snapshot.", nameof(whole));
        }

        var last = whole;
        // A dictionary keeps its keys in the order they were added while nothing is removed from it: a removed row
        // is set to null, so the others keep their places.
        var rows = new Dictionary<Guid, IncidentLogEntry?>();
        var threat = ImmutableDictionary.CreateBuilder<Guid, ThreatIncident>();
        var siteFloors = ImmutableList.CreateBuilder<AnalystFloor>();
        var threatFloors = ImmutableList.CreateBuilder<AnalystFloor>();
        if (whole is not null)
        {
            Add(whole);
        }

        foreach (var next in chain)
        {
            if ((last is not null && next.StreamId != last.StreamId) || next.PreviousVersion != (last?.StreamVersion ?? 0))
            {
                throw new ArgumentException($"Snapshot {next.Id} does not follow {last?.Id ?? "the start of its stream"}.", nameof(chain));
            }

            Add(next);
            last = next;
        }

        if (last is null)
        {
            throw new ArgumentException("Nothing to assemble.", nameof(chain));
        }

        return last with
        {
            PreviousVersion = 0,
            Site = last.Site with { Floors = siteFloors.ToImmutable() },
            Incidents = rows.Values.OfType<IncidentLogEntry>().ToList(),
            Removed = [],
            Threat = last.Threat with { Incidents = threat.ToImmutable(), Floors = threatFloors.ToImmutable() },
        };

        void Add(BaseHistorySnapshot snapshot)
        {
            foreach (var row in snapshot.Incidents)
            {
                rows[row.Id] = row;
            }

            foreach (var removed in snapshot.Removed)
            {
                rows[removed] = null;
            }

            foreach (var (id, incident) in snapshot.Threat.Incidents)
            {
                threat[id] = incident;
            }

            siteFloors.AddRange(snapshot.Site.Floors);
            threatFloors.AddRange(snapshot.Threat.Floors);
        }
    }

    /// <summary>The document id: one snapshot per stream and version.</summary>
    public static string IdOf(Guid streamId, long version) => $"{streamId:N}:{version}";

    /// <summary>
    /// Today's shape of what a snapshot holds: a digest of <see cref="Every"/> and of the property names and types of
    /// the snapshot and of every type inside it, so a change to SitePosture, IncidentLogEntry or the threat inputs, or
    /// to the spacing (a chain links snapshots <see cref="Every"/> apart), makes every stored snapshot old-shaped
    /// (ignored, and the stream folded whole) without anyone remembering to bump a number.
    /// </summary>
    public static string CurrentShape { get; } = ShapeOf(typeof(BaseHistorySnapshot), $"every {Every}");

    private static string ShapeOf(Type root, string spacing)
    {
        var text = new StringBuilder(spacing);
        var seen = new HashSet<Type>();
        void Describe(Type type)
        {
            if (!seen.Add(type))
            {
                return;
            }

            if (type.IsEnum)
            {
                text.Append(type.FullName).Append('[').AppendJoin(',', Enum.GetNames(type)).Append(']');
                return;
            }

            if (type.IsPrimitive || type == typeof(string) || type.Namespace?.StartsWith("NodaTime", StringComparison.Ordinal) == true)
            {
                return;
            }

            foreach (var argument in type.GetGenericArguments())
            {
                Describe(argument);
            }

            if (typeof(IEnumerable).IsAssignableFrom(type) || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
            {
                return;
            }

            text.Append(type.FullName).Append('{');
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            foreach (var property in properties)
            {
                text.Append(property.Name).Append(':').Append(property.PropertyType).Append(';');
            }

            text.Append('}');
            foreach (var property in properties)
            {
                Describe(property.PropertyType);
            }
        }

        Describe(root);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
