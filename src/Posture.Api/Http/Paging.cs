using Microsoft.AspNetCore.WebUtilities;

namespace Posture.Api.Http;

/// <summary>
/// One page of a list: <c>page</c> counts from 1, <c>pageSize</c> from 1 to the list's maximum. No list answers more
/// than <see cref="MaxPageSize"/> items in one call (OWASP API4); a page size out of range is a 400, never clamped, so
/// a caller never mistakes a short page for the whole list. A list returned as a JSON array tells the whole count in
/// <c>X-Total-Count</c> and links the next page in <c>Link: &lt;…&gt;; rel="next"</c> when there is one.
/// </summary>
public sealed record Paging(int Page, int Size)
{
    public const int MaxPageSize = 500;

    public const int MaxPage = 1_000_000;

    public const string TotalCountHeader = "X-Total-Count";

    public int Skip => (Page - 1) * Size;

    /// <summary>This page of <paramref name="all"/>, with the count and next-page headers set on the response.</summary>
    public List<T> Of<T>(IReadOnlyCollection<T> all, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers[TotalCountHeader] = all.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if ((long)Page * Size < all.Count)
        {
            var query = QueryHelpers.ParseQuery(http.Request.QueryString.Value);
            query["page"] = (Page + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            query["pageSize"] = Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers.Link = $"<{http.Request.Path}{QueryString.Create(query)}>; rel=\"next\"";
        }

        return all.Skip(Skip).Take(Size).ToList();
    }
}
