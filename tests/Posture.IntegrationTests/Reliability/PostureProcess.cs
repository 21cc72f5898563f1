using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Posture.IntegrationTests.Reliability;

/// <summary>
/// The HTTP host as a separate process (<c>dotnet Posture.Api.dll</c>, which this project's build puts next to the
/// tests because it references Posture.Api), on a database named by connection string, listening on a free loopback
/// port. It can be killed with SIGKILL, as a crash or an out-of-memory killer would, and started again on the same data.
/// </summary>
public sealed class PostureProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private PostureProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Where it listens: http://127.0.0.1:port/.</summary>
    public Uri Address { get; }

    /// <summary>A client for this process (loopback only).</summary>
    public HttpClient Client { get; }

    /// <summary>What the process printed last, to explain a failure.</summary>
    public string Tail
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    /// <summary>
    /// Starts the host on <paramref name="connectionString"/> and waits until it answers. Authentication is in
    /// development mode (X-Posture-User names the caller), the write limit is lifted, and the scheduled threat sweep is
    /// off, so that every threat re-evaluation is one a command cascaded.
    /// </summary>
    public static async Task<PostureProcess> StartAsync(string connectionString, CancellationToken cancellation)
    {
        // The port is free when picked but not held: another process (an outgoing connection's ephemeral port, say) can
        // take it before the host binds it. Then the host exits at once, and it is started again on another port.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortAsync(connectionString, cancellation);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<PostureProcess> StartOnFreePortAsync(string connectionString, CancellationToken cancellation)
    {
        var api = Path.Combine(AppContext.BaseDirectory, "Posture.Api.dll");
        File.Exists(api).ShouldBeTrue($"{api} should be built next to the tests (the test project references Posture.Api)");
        var port = FreeLoopbackPort();
        var address = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])
                 [
                     api, "--urls", $"http://127.0.0.1:{port}",
                     "--Posture:Auth:Mode=Development",
                     "--Posture:Limits:WritesPerMinute=1000000",
                     "--Posture:Threat:ReassessEveryMinutes=0",
                 ])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["POSTURE_DB"] = connectionString;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = start };
        var posture = new PostureProcess(process, address);
        process.OutputDataReceived += (_, e) => posture.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => posture.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await posture.WaitUntilAnsweringAsync(cancellation);
        }
        catch
        {
            await posture.DisposeAsync();
            throw;
        }

        return posture;
    }

    /// <summary>SIGKILL: the process ends at once, with no shutdown of the host, the bus or open transactions.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Posture.Api exited with {_process.ExitCode} before answering:\n{Tail}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri("api/sites", UriKind.Relative), cancellation);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // Listening, but still generating its handlers.
            }

            await Task.Delay(200, cancellation);
        }

        throw new TimeoutException($"Posture.Api did not answer within {StartTimeout.TotalSeconds:0} s:\n{Tail}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > 60)
            {
                _lastLines.Dequeue();
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
