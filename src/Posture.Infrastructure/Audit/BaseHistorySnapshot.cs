using System.Collections;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;

namespace Posture.Infrastructure.Audit;

/// <summary>
/// What <see cref="HistoryReader"/> folds from one Base stream's first <see cref="StreamVersion"/> events (the people's
/// kinds, not archived), kept so that an <c>asOf</c> / <c>knownAt</c> read folds only the events after it
/// (docs/adr/0021-history-snapshots-for-asof-and-knownat.md). Derived data: written by the reader itself, dropped by
/// <c>projections rebuild</c>, never read by the audit, and trusted only while the event at <see cref="StreamVersion"/> still
/// carries <see cref="ChainHash"/> (the chain, docs/adr/0014) and <see cref="Shape"/> is today's.
/// <para>
/// <see cref="Site"/> is the site as the stream alone makes it (no people changes: those come from the contractors'
/// and missions' streams, and are folded onto it at read); <see cref="Incidents"/> the incident log rows its events
/// leave (retracted ones left out), in the order the fold first met them; <see cref="Threat"/> what scoring reads of
/// the stream. It is restored into a fold at <see cref="RegisteredSequence"/>, where the site began, so a people change
/// recorded before the site was registered is dropped exactly as the whole fold drops it.
/// </para>
/// </summary>
public sealed record BaseHistorySnapshot(
    string Id,
    Guid StreamId,
    long StreamVersion,
    long RegisteredSequence,
    DateTimeOffset KnownBy,
    string ChainHash,
    string Shape,
    SitePosture Site,
    IReadOnlyList<IncidentLogEntry> Incidents,
    SiteThreatHistory Threat)
{
    /// <summary>
    /// A snapshot is kept every this many events of a stream. A read folds at most this many events past the newest
    /// snapshot (about 1.5 ms per 100 on the benchmark machine), and a stream of n incidents stores about n² / (2 × Every)
    /// incident copies in its snapshots (ADR 0021).
    /// </summary>
    public const int Every = 250;

    /// <summary>The document id: one snapshot per stream and version.</summary>
    public static string IdOf(Guid streamId, long version) => $"{streamId:N}:{version}";

    /// <summary>
    /// Today's shape of what a snapshot holds: a digest of the property names and types of the snapshot and of every
    /// type inside it, so a change to SitePosture, IncidentLogEntry or the threat inputs makes every stored snapshot
    /// old-shaped (ignored, and the stream folded whole) without anyone remembering to bump a number.
    /// </summary>
    public static string CurrentShape { get; } = ShapeOf(typeof(BaseHistorySnapshot));

    private static string ShapeOf(Type root)
    {
        var text = new StringBuilder();
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
