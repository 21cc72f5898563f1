using Microsoft.AspNetCore.Mvc;
using Marten;
using Posture.Infrastructure.Audit;

namespace Posture.Api.Admin;

/// <summary>
/// <c>POST /api/admin/projections/rebuild</c>: rebuilds every read model and decision snapshot from the event log in
/// one pass (ProjectionRebuild), then verifies the rebuilt documents against the history and answers that verification (200,
/// <c>identical</c> and any differences, as verify answers them). Run it when nobody records: writes during a rebuild may be missed.
/// </summary>
public static class RebuildProjections
{
    [ProducesResponseType<ProjectionVerificationView>(200)]
    [WolverinePost("/api/admin/projections/rebuild")]
    [Requires(Role.Admin)]
    public static async Task<IResult> Post(IDocumentStore store, CancellationToken cancellation)
    {
        await ProjectionAudit.RebuildAsync(store, starting: null, cancellation).ConfigureAwait(false);
        return Results.Ok(ProjectionVerificationView.Of(await ProjectionAudit.VerifyAsync(store, cancellation).ConfigureAwait(false)));
    }
}
