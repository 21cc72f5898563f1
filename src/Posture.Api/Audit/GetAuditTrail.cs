using Microsoft.AspNetCore.Mvc;
using Marten;
using Posture.Infrastructure.Audit;

namespace Posture.Api.Audit;

/// <summary>
/// <c>GET /api/audit/{streamId}</c>: every event of a stream (a base, contractor, mission or threat stream) with its
/// sequence, version, stored type, recorded-at, occurred-at, data, user and correlation and causation ids; filtered by
/// <c>from</c>/<c>to</c> (recorded-at, inclusive) and <c>type</c> (a stored name such as <c>incident_corrected</c>), paged by
/// <c>page</c> and <c>pageSize</c> (1 to 500, default 500; see <see cref="Paging"/>).
/// </summary>
public static class GetAuditTrail
{
    [ProducesResponseType<IReadOnlyList<AuditEntry>>(200)]
    [WolverineGet("/api/audit/{streamId}")]
    [Requires(Role.Auditor)]
    public static async Task<IResult> Get(
        Guid streamId, string? from, string? to, string? type, string? page, string? pageSize, IQuerySession session, HttpContext http,
        CancellationToken cancellation)
    {
        var query = new QueryParameters();
        var since = query.Instant(from, "from");
        var until = query.Instant(to, "to");
        query.Require(since is null || until is null || since <= until, "to", "must not be before from");
        var storedType = string.IsNullOrWhiteSpace(type) ? null : type.Trim();
        var paging = query.Paging(page, pageSize);
        query.Require(storedType is null || AuditTrail.StoredNames.Contains(storedType), "type", $"must be one of {string.Join(", ", AuditTrail.StoredNames)}");
        if (query.Problem is { } problem)
        {
            return problem;
        }

        var entries = await AuditTrail.ReadAsync(session, streamId, new AuditFilter(since, until, storedType), cancellation).ConfigureAwait(false);
        return entries is null
            ? Results.Problem($"no stream with id {streamId} exists", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : Results.Ok(paging.Of(entries, http));
    }
}
