using Marten;
using Marten.Schema;

namespace Posture.Infrastructure.Storage;

/// <summary>
/// The columns Marten keeps beside a document's JSON for fields duplicated out of it (<c>Duplicate(x => …)</c> in
/// PostureStore), each with the SQL that computes it from the row's <c>data</c>: the bulk writers fill them as Marten's
/// own upsert does, so a reader of those columns never finds them empty after an import or a rebuild.
/// </summary>
public static class DuplicatedColumns
{
    /// <summary>Each duplicated column's quoted name and the expression over <c>data</c> that gives its value.</summary>
    public static IReadOnlyList<(string Column, string Value)> Of(IDocumentStore store, Type documentType)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Options.FindOrResolveDocumentType(documentType) is not DocumentMapping mapping)
        {
            return [];
        }

        // Marten's own assignment, `"column" = expression`, as its upsert writes it.
        return [.. mapping.DuplicatedFields.Select(field =>
        {
            var assignment = field.UpdateSqlFragment();
            var equals = assignment.IndexOf(" = ", StringComparison.Ordinal);
            return (assignment[..equals], assignment[(equals + 3)..]);
        })];
    }
}
