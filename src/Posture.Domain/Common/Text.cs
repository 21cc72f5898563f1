namespace Posture.Domain.Common;

/// <summary>How free text is recorded: trimmed, and absent rather than blank.</summary>
public static class Text
{
    public static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
