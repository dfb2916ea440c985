using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CrmCloud.TestInfrastructure;

/// <summary>
/// Another instance of a service as its own operating-system process (<c>dotnet Service.dll</c> from the test's output),
/// on the same database and broker as <see cref="ServiceFactory{TProgram}"/>: what a real restart or crash looks like,
/// with nothing shared in memory. <see cref="Kill"/> ends it the way a crash does, without a graceful shutdown.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts the service of <paramref name="factory"/> with its settings and <paramref name="overrides"/>, and waits until it is ready.</summary>
    public static async Task<ServiceProcess> StartAsync<TProgram>(ServiceFactory<TProgram> factory, IReadOnlyDictionary<string, string> overrides)
        where TProgram : class
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, $"{typeof(TProgram).Assembly.GetName().Name}.dll"));
        foreach (var (key, value) in factory.Settings.Concat(overrides.Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value))))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ASPNETCORE_URLS"] = address.ToString();
        var process = Process.Start(info) ?? throw new InvalidOperationException("The service process did not start.");
        var service = new ServiceProcess(process, address);
        process.OutputDataReceived += (_, line) => service.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => service.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await Eventually.Until(
                async () => process.HasExited
                    ? throw new InvalidOperationException($"The service process exited with {process.ExitCode}:\n{service.Output}")
                    : await IsReadyAsync(probe),
                TimeSpan.FromSeconds(90),
                $"the service process at {address} to be ready");
        }
        catch
        {
            // A process that never became ready must not outlive the test.
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string Output
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    /// <summary>Ends the process at once, as a crash or an out-of-memory kill would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
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
            if (_lastLines.Count > 50)
            {
                _lastLines.Dequeue();
            }
        }
    }

    /// <summary>Whether the service answers ready; a starting service may refuse or not answer in time, which is not yet.</summary>
    private static async Task<bool> IsReadyAsync(HttpClient probe)
    {
        try
        {
            return (await probe.GetAsync("/health/ready")).IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
