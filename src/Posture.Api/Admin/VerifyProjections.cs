using Microsoft.AspNetCore.Mvc;
using Marten;
using Posture.Infrastructure.Audit;

namespace Posture.Api.Admin;

/// <summary>
/// <c>GET /api/admin/projections/verify</c>: folds every recorded event with the domain folds in memory and compares
/// the result with the stored read models (sites, incidents, organisations), writing nothing. Answers 200 with
/// <c>identical</c> and every difference (document type, id, what differs).
/// </summary>
public static class VerifyProjections
{
    [ProducesResponseType<ProjectionVerification>(200)]
    [WolverineGet("/api/admin/projections/verify")]
    [Requires(Role.Admin)]
    public static async Task<IResult> Get(IDocumentStore store, CancellationToken cancellation) =>
        Results.Ok(await ProjectionAudit.VerifyAsync(store, cancellation).ConfigureAwait(false));
}
