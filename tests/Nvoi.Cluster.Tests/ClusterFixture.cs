using k8s;
using Microsoft.Extensions.Time.Testing;
using Nvoi.Cluster;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Kubernetes;

namespace Nvoi.Cluster.Tests;

/// <summary>A Kubernetes emulator on loopback with a fake clock, and a KubernetesClient pointed at it.</summary>
public sealed class KubeSandbox : IAsyncDisposable
{
    public FakeTimeProvider Time { get; }
    public EmulatorHost Host { get; private init; } = null!;
    public KubernetesEmulator Emulator => (KubernetesEmulator)Host.Emulator;
    public IKubernetes Client { get; private init; } = null!;

    /// <summary>The requests <see cref="Client"/> made, each noted once its answer started (for a watch: once the server opened it).</summary>
    public RequestLog Requests { get; }

    public Applier Applier => new(Client);
    public RolloutWatcher Watcher => new(Client, Time);

    public static async Task<KubeSandbox> StartAsync(Dictionary<string, string>? settings = null, string? stateDirectory = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions { Time = time, Settings = settings ?? new Dictionary<string, string>(), StateDirectory = stateDirectory };
        var host = await EmulatorHost.StartAsync(new KubernetesEmulator(options), options);
        var log = new RequestLog();
        // As KubeClientFactory.ForUrl, with the requests noted.
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = host.BaseUrl.ToString().TrimEnd('/') }, new Recording(log));
        return new KubeSandbox(time, log) { Host = host, Client = client };
    }

    private KubeSandbox(FakeTimeProvider time, RequestLog requests) => (Time, Requests) = (time, requests);

    private sealed class Recording(RequestLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            log.Add($"{request.Method} {request.RequestUri!.PathAndQuery}");
            return response;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>Requests as "METHOD /path?query", in the order they were answered; tests wait (without sleeping) for the ones they expect.</summary>
public sealed class RequestLog
{
    private readonly List<string> _requests = [];
    private readonly List<(Func<IReadOnlyList<string>, bool> Done, TaskCompletionSource Seen)> _waiters = [];

    public int Count { get { lock (_requests) return _requests.Count; } }

    /// <summary>The requests from the <paramref name="mark"/>th (a <see cref="Count"/> taken earlier) on.</summary>
    public IReadOnlyList<string> Since(int mark) { lock (_requests) return _requests.Skip(mark).ToList(); }

    /// <summary>Completes once the requests from <paramref name="mark"/> on satisfy <paramref name="done"/>.</summary>
    public Task WhenAsync(int mark, Func<IReadOnlyList<string>, bool> done)
    {
        lock (_requests)
        {
            bool Check(IReadOnlyList<string> all) => done(all.Skip(mark).ToList());
            if (Check(_requests)) return Task.CompletedTask;
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((Check, seen));
            return seen.Task;
        }
    }

    internal void Add(string request)
    {
        lock (_requests)
        {
            _requests.Add(request);
            foreach (var w in _waiters.Where(w => w.Done(_requests)).ToList())
            {
                w.Seen.TrySetResult();
                _waiters.Remove(w);
            }
        }
    }
}
