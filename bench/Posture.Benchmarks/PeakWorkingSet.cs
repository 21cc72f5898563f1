using System.Globalization;

namespace Posture.Benchmarks;

/// <summary>A peak working set in bytes, and its rise over the working set before.</summary>
internal sealed record Peak(long Bytes, long Rise);

/// <summary>
/// The process's peak working set while one step runs. Before the step the garbage collector compacts and hands back
/// to the system what earlier steps left, so "before" is what the process really holds; then, on Linux, the kernel's
/// own high-water mark (VmHWM) is reset (writing 5 to /proc/self/clear_refs) and read when the step ends, so a peak
/// between two samples is not missed. Elsewhere, and as a floor, the working set is sampled every 20 ms.
/// </summary>
internal sealed class PeakWorkingSet : IDisposable
{
    private const string Status = "/proc/self/status";
    private const string ClearRefs = "/proc/self/clear_refs";

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly bool _kernelMark;
    private long _peak;

    private PeakWorkingSet()
    {
        Before = Environment.WorkingSet;
        _peak = Before;
        _kernelMark = ResetKernelMark();
        _sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    Sample();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>The working set when the step began.</summary>
    public long Before { get; }

    public static PeakWorkingSet Start()
    {
        // Start from what the process holds, not from garbage or free heap an earlier measurement left.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return new PeakWorkingSet();
    }

    /// <summary>The peak, and how far it rose above the working set when the step began.</summary>
    public Peak Stop()
    {
        _stop.Cancel();
        _sampling.GetAwaiter().GetResult();
        Sample();
        var peak = Math.Max(Interlocked.Read(ref _peak), _kernelMark ? KernelMark() ?? 0 : 0);
        return new Peak(peak, peak - Before);
    }

    private void Sample()
    {
        var now = Environment.WorkingSet;
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }

    private static bool ResetKernelMark()
    {
        try
        {
            File.WriteAllText(ClearRefs, "5");
            return KernelMark() is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    /// <summary>VmHWM from /proc/self/status, in bytes; null where there is none.</summary>
    private static long? KernelMark()
    {
        if (!File.Exists(Status))
        {
            return null;
        }

        var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is [_, var kilobytes, "kB"] && long.TryParse(kilobytes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)
            ? kb * 1024
            : null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
