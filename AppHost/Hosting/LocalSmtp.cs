using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// A mail server for development and tests that delivers nowhere: every message it accepts is written as an
/// <c>.eml</c> file into <c>{stateDirectory}/mail/</c>, where a person opens it in any mail reader and a test parses it.
/// It speaks the plain SMTP that a client needs (RFC 5321: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), without TLS or
/// authentication, on 127.0.0.1 only. Recipients at <see cref="RefusedDomain"/> are refused, so a failed delivery can
/// be tried on purpose. It runs inside the process that starts it.
/// </summary>
public sealed class LocalSmtp : IAsyncDisposable
{
    public const string Host = "127.0.0.1";

    /// <summary>A reserved domain (RFC 2606): no real address is ever refused.</summary>
    public const string RefusedDomain = "refused.invalid";

    private const int MaxLine = 4096;

    // Latin-1 maps every byte to one character and back, so a message is kept byte for byte.
    private static readonly Encoding Bytes = Encoding.Latin1;

    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private readonly HashSet<Task> sessions = [];

    private LocalSmtp(TcpListener listener, string mailDirectory)
    {
        this.listener = listener;
        MailDirectory = mailDirectory;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Where the messages are kept, one <c>.eml</c> file each.</summary>
    public string MailDirectory { get; }

    /// <summary>How a service is told of it: <c>smtp://127.0.0.1:port</c>.</summary>
    public string ConnectionString => $"smtp://{Host}:{Port}";

    /// <param name="port">0 picks a free port.</param>
    public static LocalSmtp Start(string stateDirectory, int port = 0)
    {
        var mail = Directory.CreateDirectory(new StateDirectory(stateDirectory).Combine("mail")).FullName;
        var listener = new TcpListener(IPAddress.Parse(Host), port);
        listener.Start();
        return new LocalSmtp(listener, mail);
    }

    /// <summary>The messages kept so far, oldest first (a file appears only once its message is whole).</summary>
    public IReadOnlyList<string> Messages() => [.. Directory.EnumerateFiles(MailDirectory, "*.eml").Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting;
        Task[] open;
        lock (sessions)
        {
            open = [.. sessions];
        }

        await Task.WhenAll(open);
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var session = ServeAsync(client);
            lock (sessions)
            {
                sessions.Add(session);
            }

            _ = session.ContinueWith(
                done =>
                {
                    lock (sessions)
                    {
                        sessions.Remove(done);
                    }
                },
                TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var connection = client;
        try
        {
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Bytes, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            await using var writer = new StreamWriter(stream, Bytes, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
            await new Session(reader, writer, MailDirectory, stopping.Token).RunAsync();
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the sink is stopping: the message in progress, if any, was not accepted.
        }
    }

    /// <summary>One client's conversation: the envelope of the message in progress and the commands that build it.</summary>
    private sealed class Session(StreamReader reader, StreamWriter writer, string mailDirectory, CancellationToken cancellationToken)
    {
        private readonly List<string> recipients = [];
        private string? sender;

        public async Task RunAsync()
        {
            await writer.WriteLineAsync($"220 {Host} CrmCloud local mail sink ready");
            while (await ReadLineAsync() is { } line)
            {
                var verb = (line.Length >= 4 ? line[..4] : line).ToUpperInvariant();
                var argument = line.Length > 4 ? line[4..].Trim() : "";
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        Reset();
                        await writer.WriteLineAsync($"250 {Host} greets {argument}");
                        break;
                    case "MAIL" when Path(argument, "FROM:") is { } from:
                        Reset();
                        sender = from;
                        await writer.WriteLineAsync("250 2.1.0 Sender OK");
                        break;
                    case "RCPT" when sender is null:
                        await writer.WriteLineAsync("503 5.5.1 MAIL first");
                        break;
                    case "RCPT" when Path(argument, "TO:") is { } to:
                        if (to.EndsWith("@" + RefusedDomain, StringComparison.OrdinalIgnoreCase))
                        {
                            await writer.WriteLineAsync($"550 5.1.1 Mailbox unavailable: the local mail sink refuses {RefusedDomain}");
                        }
                        else
                        {
                            recipients.Add(to);
                            await writer.WriteLineAsync("250 2.1.5 Recipient OK");
                        }

                        break;
                    case "DATA" when recipients.Count == 0:
                        await writer.WriteLineAsync("503 5.5.1 No valid recipients");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        if (await ReadMessageAsync() is not { } message)
                        {
                            return;
                        }

                        var name = await KeepAsync(message);
                        Reset();
                        await writer.WriteLineAsync($"250 2.0.0 Kept as {name}");
                        break;
                    case "RSET":
                        Reset();
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    case "MAIL" or "RCPT":
                        await writer.WriteLineAsync("501 5.5.4 Syntax: MAIL FROM:<address> or RCPT TO:<address>");
                        break;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not implemented");
                        break;
                }
            }
        }

        /// <summary>The address of <c>FROM:&lt;a@b&gt; …</c>, or null when the argument is not of that form.</summary>
        private static string? Path(string argument, string prefix)
        {
            if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var rest = argument[prefix.Length..].Trim();
            var end = rest.IndexOf('>', StringComparison.Ordinal);
            return rest.StartsWith('<') && end > 0 ? rest[1..end] : null;
        }

        private void Reset()
        {
            sender = null;
            recipients.Clear();
        }

        private async Task<string?> ReadLineAsync()
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            return line is { Length: > MaxLine } ? line[..MaxLine] : line;
        }

        /// <summary>The message up to the lone dot, with the dots that the client doubled undone; null when the client left.</summary>
        private async Task<string?> ReadMessageAsync()
        {
            var message = new StringBuilder();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line == ".")
                {
                    return message.ToString();
                }

                message.Append(line.StartsWith('.') ? line[1..] : line).Append("\r\n");
            }

            return null;
        }

        /// <summary>Writes the message with its envelope, first under a temporary name, so a reader never finds half a message.</summary>
        private async Task<string> KeepAsync(string message)
        {
            var name = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'.'fffffff}-{Guid.NewGuid():N}.eml";
            var path = System.IO.Path.Combine(mailDirectory, name);
            var envelope = $"X-Envelope-From: <{sender}>\r\n" + string.Concat(recipients.Select(r => $"X-Envelope-To: <{r}>\r\n"));
            await File.WriteAllTextAsync(path + ".part", envelope + message, Bytes, cancellationToken);
            File.Move(path + ".part", path);
            return name;
        }
    }
}
