using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace CrmCloud.AppHost.Hosting;

/// <summary>How to start one child process, where its output goes and how it is stopped.</summary>
internal sealed record ChildProcessSpec(string Name, string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Variables to set; a null value removes an inherited one.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public string? WorkingDirectory { get; init; }

    public Action<string>? Output { get; init; }

    /// <summary>The signal that asks the process to shut down gracefully.</summary>
    public int StopSignal { get; init; } = UnixProcess.SigTerm;

    /// <summary>How long a graceful shutdown may take before the process group is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Where the pid is recorded while the process runs, so that a later start can stop a leftover.</summary>
    public string? PidDirectory { get; init; }
}

/// <summary>
/// A child process in a session of its own (setsid): a Ctrl-C in the terminal reaches only the
/// AppHost, which then stops its children in order. Output is forwarded line by line and the
/// last lines are kept for error messages.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The Process is disposed once the child has exited and its exit code is read.")]
internal sealed class ChildProcess
{
    private const int RecentLineCount = 25;
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Process process;
    private readonly ChildProcessSpec spec;
    private readonly Queue<string> recentLines = new();
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource standardOutputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource standardErrorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool processExited;

    private ChildProcess(ChildProcessSpec spec)
    {
        this.spec = spec;
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? string.Empty,
        };
        info.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => OnLine(line.Data, standardOutputClosed);
        process.ErrorDataReceived += (_, line) => OnLine(line.Data, standardErrorClosed);
        process.Exited += (_, _) => _ = OnExitedAsync();
    }

    public string Name => spec.Name;

    public int Id { get; private set; }

    /// <summary>Completes with the exit code once the process has exited and its output is drained.</summary>
    public Task<int> Exited => exited.Task;

    public bool HasExited => exited.Task.IsCompleted;

    private string? PidFile => spec.PidDirectory is null ? null : PidFiles.PathOf(spec.PidDirectory, spec.Name);

    public static ChildProcess Start(ChildProcessSpec spec)
    {
        var child = new ChildProcess(spec);
        child.process.Start();
        // setsid replaces itself with the program (the child is no group leader), so the pid is the program's.
        child.Id = child.process.Id;
        child.process.StandardInput.Close();
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        if (child.PidFile is { } pidFile)
        {
            PidFiles.Write(pidFile, child.Id, spec.StopSignal);
            if (child.processExited)
            {
                File.Delete(pidFile);
            }
        }

        return child;
    }

    /// <summary>The last lines the process wrote, for an error message.</summary>
    public string RecentOutput()
    {
        lock (recentLines)
        {
            return string.Join(Environment.NewLine, recentLines);
        }
    }

    /// <summary>Asks the process to stop, and kills its whole group when it does not in time (or at once when forced).</summary>
    public async Task StopAsync(CancellationToken force = default)
    {
        if (HasExited)
        {
            return;
        }

        UnixProcess.Signal(Id, spec.StopSignal);
        if (await WaitForExitAsync(spec.StopTimeout, force))
        {
            return;
        }

        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    public void Kill()
    {
        UnixProcess.SignalGroup(Id, UnixProcess.SigKill);
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Exited.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void OnLine(string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (recentLines)
        {
            recentLines.Enqueue(line);
            if (recentLines.Count > RecentLineCount)
            {
                recentLines.Dequeue();
            }
        }

        spec.Output?.Invoke(line);
    }

    private async Task OnExitedAsync()
    {
        processExited = true;
        try
        {
            // A grandchild that keeps the pipes open (a daemon it started) must not hold up the exit.
            await Task.WhenAny(Task.WhenAll(standardOutputClosed.Task, standardErrorClosed.Task), Task.Delay(OutputDrainTimeout));
            if (PidFile is { } pidFile)
            {
                File.Delete(pidFile);
            }
        }
        catch (IOException)
        {
            // The state folder is gone already: nothing left to clean.
        }
        finally
        {
            var exitCode = process.ExitCode;
            process.Dispose();
            exited.TrySetResult(exitCode);
        }
    }
}
