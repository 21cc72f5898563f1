using System.Diagnostics;

namespace Posture.Benchmarks;

/// <summary>Latency of one GET, asked again and again by one client over HTTP, as the 50th and 99th percentiles.</summary>
internal static class ReadLatency
{
    public static async Task<(double P50, double P99)> MeasureAsync(HttpHost host, string path, int samples)
    {
        ArgumentNullException.ThrowIfNull(host);
        // Warm up: the first request of an endpoint compiles its code.
        for (var i = 0; i < Math.Min(3, samples); i++)
        {
            await HttpHost.Expect(await host.Client.GetAsync(path), 200);
        }

        var milliseconds = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            using var response = await host.Client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
            stopwatch.Stop();
            await HttpHost.Expect(response, 200);
            milliseconds.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        milliseconds.Sort();
        return (Percentile(milliseconds, 0.50), Percentile(milliseconds, 0.99));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static double Percentile(List<double> sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
