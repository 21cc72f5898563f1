using NodaTime;

namespace Posture.Infrastructure;

/// <summary>The one place the real clock is named. Everything else receives an <see cref="IClock"/>.</summary>
public static class SystemClocks
{
#pragma warning disable RS0030 // Banned API: this is the composition root's single, deliberate use.
    public static IClock System => SystemClock.Instance;
#pragma warning restore RS0030
}
