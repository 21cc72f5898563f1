using Marten;
using Marten.Schema;

namespace Posture.Infrastructure.Storage;

/// <summary>
/// What Marten keeps in a document's <c>mt_version</c> column, for the bulk writers (the import, a rebuild) that write
/// rows as Marten would: a numeric one holds the document's revision (projected documents use numeric revisions); a
/// uuid one holds a version id, new with every write. Taken from Marten's own mapping of the type.
/// </summary>
public static class RevisionColumn
{
    /// <summary>True when the type's <c>mt_version</c> holds its revision; false when it holds a version id.</summary>
    public static bool HoldsRevision(IDocumentStore store, Type documentType)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Options.FindOrResolveDocumentType(documentType) is DocumentMapping { UseNumericRevisions: true };
    }

    /// <summary>
    /// The SQL value of <c>mt_version</c> for a row written with <paramref name="revision"/> (an SQL expression): the
    /// revision itself, or a new version id. (A row COPYed without the column gets the same new id from Marten's default.)
    /// </summary>
    public static string Value(bool holdsRevision, string revision) => holdsRevision ? revision : "gen_random_uuid()";
}
