using System.Text.Json.Nodes;
using Marten;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Marten;

namespace Posture.Infrastructure.Audit;

/// <summary>One read-model document that the stored read models and the history disagree on.</summary>
/// <param name="Document">The read model: SitePosture, IncidentLogEntry, Organisation or SiteThreatSum.</param>
/// <param name="Id">The document's id.</param>
/// <param name="What">What differs, in words: a missing or extra document, or each field with both values.</param>
public sealed record ProjectionDifference(string Document, Guid Id, string What);

/// <summary>What a comparison of the stored read models with the history found.</summary>
/// <param name="Identical">True when every stored document is exactly what the history folds to, and no document is missing or extra.</param>
/// <param name="Sites">Sites the history folds to.</param>
/// <param name="Incidents">Incidents (as now believed) the history folds to.</param>
/// <param name="Organisations">Organisations the history folds to.</param>
/// <param name="Differences">Every difference, ordered by document type then id.</param>
public sealed record ProjectionVerification(bool Identical, int Sites, int Incidents, int Organisations, IReadOnlyList<ProjectionDifference> Differences);

/// <summary>
/// Proves the inline read models match the event log, and rebuilds them from it.
/// <para>
/// Verifying reads every recorded event, folds it in memory with the same pure domain folds the inline projections
/// delegate to (<see cref="HistoryReader.FoldReadModels"/>), and compares the result with the stored documents by
/// their JSON, per id. It writes nothing, so it is safe on a live system (a command recorded between the two reads
/// can show as a difference; verifying again settles it).
/// </para>
/// <para>
/// Rebuilding reads every event once and folds it into every stored projection's documents by the routes and folds
/// the inline projections are registered with (<see cref="ProjectionRebuild"/>), so what is rebuilt is what the
/// inline path would have written; the old documents stay readable until the new ones replace them in one
/// transaction. Writes recorded while a rebuild runs may be lost from the read models: rebuild when nobody records,
/// then verify.
/// </para>
/// </summary>
public static class ProjectionAudit
{
    /// <summary>How long one statement of a rebuild (the read of every event, the swap of a table) may take.</summary>
    private static readonly TimeSpan RebuildTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Everything a rebuild writes: the document type of every domain fold the store keeps (read models and decision
    /// snapshots), in the order it registers them, then the running threat sums.
    /// </summary>
    public static IReadOnlyList<string> Rebuilt(IDocumentStore store) => ProjectionRebuild.Names(store);

    public static async Task<ProjectionVerification> VerifyAsync(IDocumentStore store, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.QuerySession();
        var events = await HistoryReader.RecordedByAsync(session, knownAt: null, cancellation).ConfigureAwait(false);
        var folded = HistoryReader.FoldReadModels(events.Select(e => e.Data));
        var serializer = store.Options.Serializer();
        var differences = new List<ProjectionDifference>();
        differences.AddRange(Compare(nameof(SitePosture), folded.Sites, await session.Query<SitePosture>().ToListAsync(cancellation).ConfigureAwait(false), s => s.Id, serializer));
        differences.AddRange(Compare(nameof(IncidentLogEntry), folded.Incidents, await session.Query<IncidentLogEntry>().ToListAsync(cancellation).ConfigureAwait(false), i => i.Id, serializer));
        differences.AddRange(Compare(nameof(Organisation), folded.Organisations, await session.Query<Organisation>().ToListAsync(cancellation).ConfigureAwait(false), o => o.Id, serializer));
        differences.AddRange(Compare(
            nameof(SiteThreatSum), SiteThreatSums.Fold(events.Select(e => e.Data), PostureStore.ThreatSumsOf(store).Threat),
            await session.Query<SiteThreatSum>().ToListAsync(cancellation).ConfigureAwait(false), s => s.Id, serializer));
        return new ProjectionVerification(differences.Count == 0, folded.Sites.Count, folded.Incidents.Count, folded.Organisations.Count, differences);
    }

    /// <summary>
    /// Rebuilds every read model, decision snapshot and running threat sum from the event log in one pass
    /// (<see cref="ProjectionRebuild"/>), then drops the history snapshots, telling <paramref name="starting"/> what it rebuilds
    /// before it starts.
    /// </summary>
    public static async Task<RebuildOutcome> RebuildAsync(IDocumentStore store, Func<IReadOnlyList<string>, Task>? starting, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (starting is not null)
        {
            await starting(Rebuilt(store)).ConfigureAwait(false);
        }

        var outcome = await ProjectionRebuild.RunAsync(store, RebuildTimeout, cancellation).ConfigureAwait(false);
        // The history snapshots are derived too: dropped, and written again by the next long asOf / knownAt reads.
        await HistorySnapshots.DropAllAsync(store, cancellation).ConfigureAwait(false);
        return outcome;
    }

    private static IEnumerable<ProjectionDifference> Compare<T>(
        string document, IReadOnlyDictionary<Guid, T> expected, IReadOnlyList<T> stored, Func<T, Guid> idOf, ISerializer serializer) where T : class
    {
        var storedById = stored.ToDictionary(idOf);
        foreach (var id in expected.Keys.Union(storedById.Keys).Order())
        {
            var fromHistory = expected.GetValueOrDefault(id);
            var inStore = storedById.GetValueOrDefault(id);
            if (inStore is null)
            {
                yield return new ProjectionDifference(document, id, "missing from the store: the history has it");
            }
            else if (fromHistory is null)
            {
                yield return new ProjectionDifference(document, id, "in the store but not in the history");
            }
            else if (FieldDifferences(Json(serializer, fromHistory), Json(serializer, inStore)) is { Count: > 0 } fields)
            {
                yield return new ProjectionDifference(document, id, string.Join("; ", fields));
            }
        }
    }

    private static JsonObject Json(ISerializer serializer, object document) =>
        JsonNode.Parse(serializer.ToJson(document))?.AsObject() ?? [];

    /// <summary>Each top-level field whose JSON differs, with the stored value and the history's.</summary>
    private static List<string> FieldDifferences(JsonObject fromHistory, JsonObject inStore)
    {
        var fields = fromHistory.Select(p => p.Key).Union(inStore.Select(p => p.Key)).Order(StringComparer.Ordinal);
        return fields
            .Where(field => !JsonNode.DeepEquals(fromHistory[field], inStore[field]))
            .Select(field => $"{field}: stored {Shown(inStore[field])}, history says {Shown(fromHistory[field])}")
            .ToList();
    }

    private static string Shown(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "(absent)";
        return text.Length <= 160 ? text : string.Concat(text.AsSpan(0, 157), "...");
    }
}
