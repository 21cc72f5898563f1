namespace Posture.Api.Http;

/// <summary>
/// The name recorded as the user of the events an HTTP request produces: the authenticated identity when there is
/// one, else the <c>X-Posture-User</c> header (until authentication is configured), else "anonymous".
/// </summary>
public static class HttpCaller
{
    public const string Header = "X-Posture-User";

    public static string Name(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } authenticated })
        {
            return authenticated;
        }

        var named = context.Request.Headers[Header].ToString();
        return string.IsNullOrWhiteSpace(named) ? "anonymous" : named.Trim()[..Math.Min(named.Trim().Length, 200)];
    }
}
