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
public class RunningSystem : IAsyncLifetime
{
    private const string UpMarker = "CrmCloud is up: gateway=";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), $"crm-e2e-{Guid.NewGuid():N}");
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _appHost;

    public Uri Gateway { get; private set; } = new("http://localhost");

    /// <summary>More AppHost options, e.g. <c>--Control=true</c> for <see cref="ControlAsync"/>.</summary>
    public IReadOnlyList<string> AppHostArguments { get; init; } = [];

    /// <summary>Environment variables for the AppHost, which its processes inherit, e.g. <c>Gateway__RateLimits__DefaultPlan</c>.</summary>
    public IReadOnlyDictionary<string, string> AppHostEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Keeps the state folder (data and logs) after the system stops, e.g. to look into a failed run.</summary>
    public bool KeepsState { get; set; }

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
        _appHost = Start(AppHostEnvironment, ["up", $"--StateDirectory={_stateDirectory}", "--FreePorts=true", .. AppHostArguments]);
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

        using var token = Start(AppHostEnvironment, [.. arguments]);
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

    /// <summary>
    /// Sends a request to the AppHost's control folder (started with <c>--Control=true</c>), e.g. <c>kill billing</c> or
    /// <c>start messaging</c>, and returns the detail of its <c>ok</c> answer; an <c>error</c> answer throws.
    /// </summary>
    public async Task<string> ControlAsync(string request, TimeSpan timeout)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_stateDirectory, "control")).FullName;
        var name = $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}";
        var requestFile = Path.Combine(folder, name + ".request");
        await File.WriteAllTextAsync(requestFile + ".partial", request);
        File.Move(requestFile + ".partial", requestFile);
        var responseFile = Path.Combine(folder, name + ".response");
        var answer = await Eventually.Until(
            async () => File.Exists(responseFile) ? (await File.ReadAllTextAsync(responseFile)).Trim() : null, timeout, $"the AppHost to carry out '{request}'");
        File.Delete(responseFile);
        return answer.StartsWith("ok", StringComparison.Ordinal)
            ? answer[2..].Trim()
            : throw new InvalidOperationException($"The AppHost refused '{request}': {answer}");
    }

    /// <summary>A variable of the environment the AppHost gave one of its processes (by its pid file's name), e.g. a connection string.</summary>
    public string EnvironmentOf(string process, string variable)
    {
        var pidFile = Path.Combine(_stateDirectory, "pids", process + ".pid");
        var pid = File.Exists(pidFile) ? File.ReadAllText(pidFile).Split(' ')[0] : throw new InvalidOperationException($"{process} is not running (no {pidFile}).");
        var prefix = variable + "=";
        return File.ReadAllText($"/proc/{pid}/environ").Split('\0').FirstOrDefault(entry => entry.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
            ?? throw new InvalidOperationException($"{process} (pid {pid}) has no {variable} in its environment.");
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
        if (!KeepsState && Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
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

    private static Process Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

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
