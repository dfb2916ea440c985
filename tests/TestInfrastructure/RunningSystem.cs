using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Xunit;

namespace CrmCloud.TestInfrastructure;

/// <summary>
/// The whole system started by the AppHost exactly as <c>./crm up</c> starts it, with its own state
/// folder and free ports, and stopped the way a person stops it: an interrupt.
/// </summary>
public sealed class RunningSystem : IAsyncLifetime
{
    private const string UpMarker = "CrmCloud is up: gateway=";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), $"crm-e2e-{Guid.NewGuid():N}");
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _appHost;

    public Uri Gateway { get; private set; } = new("http://localhost");

    /// <summary>Where the AppHost keeps the servers' data, secrets and the broker's log files.</summary>
    public string StateDirectory => _stateDirectory;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask InitializeAsync()
    {
        _appHost = Start("up", $"--StateDirectory={_stateDirectory}", "--FreePorts=true");
        _appHost.OutputDataReceived += (_, line) => Observe(line.Data);
        _appHost.ErrorDataReceived += (_, line) => Observe(line.Data);
        _appHost.BeginOutputReadLine();
        _appHost.BeginErrorReadLine();
        _ = _appHost.WaitForExitAsync().ContinueWith(_ => _up.TrySetException(new InvalidOperationException($"The AppHost exited before the system was up:\n{Output}")), TaskScheduler.Default);

        Gateway = await _up.Task.WaitAsync(StartTimeout);
    }

    /// <summary>
    /// A development token from the same command a person uses: <c>./crm token</c>. Every scope and the tenant's
    /// administrator role unless <paramref name="scopes"/> or <paramref name="roles"/> (empty: a plain user) say otherwise.
    /// </summary>
    public async Task<HttpClient> ClientForAsync(string tenant, IEnumerable<string>? scopes = null, IEnumerable<string>? roles = null)
    {
        List<string> arguments = ["token", "--tenant", tenant, $"--StateDirectory={_stateDirectory}"];
        if (scopes is not null)
        {
            arguments.AddRange(["--scopes", string.Join(' ', scopes)]);
        }

        if (roles is not null)
        {
            arguments.AddRange(["--roles", string.Join(' ', roles)]);
        }

        using var token = Start([.. arguments]);
        var jwt = (await token.StandardOutput.ReadToEndAsync()).Trim();
        await token.WaitForExitAsync();
        if (token.ExitCode != 0)
        {
            throw new InvalidOperationException($"The token command failed: {await token.StandardError.ReadToEndAsync()}");
        }

        var client = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_appHost is { HasExited: false })
        {
            // What Ctrl-C sends: the AppHost stops everything it started, then exits.
            using (var interrupt = Process.Start("kill", ["-INT", _appHost.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _appHost.WaitForExitAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                _appHost.Kill(entireProcessTree: true);
            }
        }

        _appHost?.Dispose();
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }

    private void Observe(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var marker = line.IndexOf(UpMarker, StringComparison.Ordinal);
        if (marker >= 0)
        {
            _up.TrySetResult(new Uri(line[(marker + UpMarker.Length)..].Trim()));
        }
    }

    private static Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AppHostPath());
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("The AppHost did not start.");
    }

    /// <summary>The AppHost built beside this test, in the same configuration.</summary>
    private static string AppHostPath()
    {
        var configuration = typeof(RunningSystem).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CrmCloud.sln")))
            {
                return Path.Combine(directory.FullName, "AppHost", "bin", configuration, "net10.0", "AppHost.dll");
            }
        }

        throw new InvalidOperationException("The repository root (CrmCloud.sln) was not found above the test folder.");
    }
}
