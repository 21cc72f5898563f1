using Microsoft.AspNetCore.Mvc;
using Marten;
using Posture.Infrastructure.Audit;

namespace Posture.Api.Admin;

/// <summary>
/// <c>GET /api/admin/projections/verify</c>: folds every recorded event with the domain folds in memory and compares
/// the result with the stored read models (sites, incidents, organisations), writing nothing. Answers 200 with
/// <c>identical</c>, the number of differences and the first 500 (document type, id, what differs).
/// </summary>
public static class VerifyProjections
{
    [ProducesResponseType<ProjectionVerificationView>(200)]
    [WolverineGet("/api/admin/projections/verify")]
    [Requires(Role.Admin)]
    public static async Task<IResult> Get(IDocumentStore store, CancellationToken cancellation)
    {
        var verification = await ProjectionAudit.VerifyAsync(store, cancellation).ConfigureAwait(false);
        return Results.Ok(ProjectionVerificationView.Of(verification));
    }
}

/// <summary>
/// What <c>verify</c> found: every count, and the first differences, at most 500 (the most any list answers;
/// <c>posture projections verify</c> prints them all). <c>DifferenceCount</c> is the whole number.
/// </summary>
public sealed record ProjectionVerificationView(
    bool Identical, int Sites, int Incidents, int Organisations, int DifferenceCount, IReadOnlyList<ProjectionDifference> Differences)
{
    public static ProjectionVerificationView Of(ProjectionVerification verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return new ProjectionVerificationView(
            verification.Identical, verification.Sites, verification.Incidents, verification.Organisations,
            verification.Differences.Count, [.. verification.Differences.Take(Paging.MaxPageSize)]);
    }
}
