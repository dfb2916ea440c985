using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CrmCloud.Integrations.Tests;

/// <summary>What a receiver got in one request, and what it answered.</summary>
public sealed record ReceivedRequest(string Id, string Timestamp, string Signature, string Body, int Answer)
{
    public bool Succeeded => Answer is >= 200 and < 300;

    /// <summary>Verifies the request the way the documentation tells partners to.</summary>
    public bool HasValidSignature(string secret, DateTimeOffset now)
    {
        if (!long.TryParse(Timestamp, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 5 * 60)
        {
            return false;
        }

        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{Id}.{Timestamp}.{Body}")));
        return Signature.Split(' ').Any(candidate => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(expected)));
    }
}

/// <summary>
/// A partner's endpoint: a Kestrel listener on a free local port that records every request and answers with the status
/// <c>answer</c> gives for it (called with how many requests came before).
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly Func<int, int> _answer;
    private int _count;

    private Receiver(Func<int, int> answer)
    {
        _answer = answer;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks", ReceiveAsync);
    }

    public string Url { get; private set; } = "";

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public static async Task<Receiver> StartAsync(Func<int, int> answer)
    {
        var receiver = new Receiver(answer);
        await receiver._app.StartAsync();
        receiver.Url = $"{receiver._app.Urls.First()}/hooks";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var answer = _answer(Interlocked.Increment(ref _count) - 1);
        _received.Enqueue(new ReceivedRequest(
            request.Headers["Webhook-Id"].ToString(), request.Headers["Webhook-Timestamp"].ToString(), request.Headers["Webhook-Signature"].ToString(), body, answer));
        return Results.StatusCode(answer);
    }
}
