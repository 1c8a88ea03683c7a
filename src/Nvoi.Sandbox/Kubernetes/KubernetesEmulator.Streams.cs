using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Nvoi.Sandbox.Kubernetes;

public sealed partial class KubernetesEmulator
{
    /// <summary>
    /// A watch: one JSON event per line, chunked. Without a resourceVersion (or "0") it starts with an ADDED
    /// event per current object; with one, it replays every change after it. Ends at timeoutSeconds (on the
    /// emulator's clock), when the client goes away or when the emulator stops. A resourceVersion older than
    /// the kept history gets, as from the real API server's watch cache, a 200 whose only event is an ERROR
    /// carrying a 410 Expired Status.
    /// </summary>
    private async Task WatchAsync(HttpContext ctx, Target t)
    {
        var q = ctx.Request.Query;
        var labels = Selectors.Labels(q["labelSelector"]);
        var fields = Selectors.Fields(q["fieldSelector"]);
        bool Match(WatchEvent e) => e.Resource == t.Type
            && (t.Namespace is null || e.Object["metadata"]?["namespace"]?.ToString() == t.Namespace)
            && labels(e.Object) && fields(e.Object);

        long from;
        long oldest;
        var pending = new List<(string Type, JsonObject Obj)>();
        lock (_lock)
        {
            var rv = q["resourceVersion"].ToString();
            oldest = _store.OldestWatchable;
            if (rv is "" or "0")
            {
                from = _store.ResourceVersion;
                pending.AddRange(Matching(t, q).Select(o => ("ADDED", o)));
            }
            else if (!long.TryParse(rv, out from))
                from = -1;
        }
        if (from < 0)
        {
            await WriteStatus(ctx, 410, "Expired", $"too old resource version: {q["resourceVersion"]}");
            return;
        }
        if (from < oldest)
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            var expired = new JsonObject
            {
                ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
                ["message"] = $"too old resource version: {from} ({oldest})", ["reason"] = "Expired", ["code"] = 410,
            };
            await ctx.Response.WriteAsync(new JsonObject { ["type"] = "ERROR", ["object"] = expired }.ToJsonString(Json) + "\n", ctx.RequestAborted);
            return;
        }

        // The host is simulating a lost response (it will answer 500): a stream would never end, so stop here.
        if (ReferenceEquals(ctx.Response.Body, Stream.Null)) return;
        // A stopping server ends its watches (clients see the end of the stream) rather than wait for clients to go.
        var stopping = ctx.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        if (int.TryParse(q["timeoutSeconds"], out var timeout) && timeout > 0)
            _ = Task.Delay(TimeSpan.FromSeconds(timeout), _options.Time, cts.Token).ContinueWith(_ => { try { cts.Cancel(); } catch (ObjectDisposedException) { } }, TaskScheduler.Default);

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.StartAsync(ctx.RequestAborted);
        try
        {
            while (true)
            {
                foreach (var (type, obj) in pending)
                    await ctx.Response.WriteAsync(new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString(Json) + "\n", cts.Token);
                await ctx.Response.Body.FlushAsync(cts.Token);
                pending.Clear();
                Task changed;
                lock (_lock)
                {
                    changed = _changed.Task;
                    foreach (var e in _store.Since(from))
                    {
                        from = e.ResourceVersion;
                        if (Match(e)) pending.Add((e.Type, (JsonObject)e.Object.DeepClone()));
                    }
                }
                if (pending.Count == 0) await changed.WaitAsync(cts.Token);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// pods/log as the kubelet serves it: the container's lines (tailLines, then only those at or after sinceSeconds ago or
    /// sinceTime; with timestamps=true each keeps its RFC 3339 time), then with follow=true new lines as they come until the
    /// pod ends. previous=true reads the run before the last restart; a container that never restarted has none (400).
    /// </summary>
    private async Task LogAsync(HttpContext ctx, Target t)
    {
        var q = ctx.Request.Query;
        var follow = q["follow"].ToString() is "true" or "1";
        var previous = q["previous"].ToString() is "true" or "1";
        var timestamps = q["timestamps"].ToString() is "true" or "1";
        var tail = int.TryParse(q["tailLines"], out var n) ? n : -1;
        DateTimeOffset? since = null;
        if (q["sinceSeconds"].Count > 0)
        {
            if (!long.TryParse(q["sinceSeconds"], out var seconds) || seconds <= 0)
            {
                await WriteStatus(ctx, 422, "Invalid", $"PodLogOptions \"{t.Name}\" is invalid: sinceSeconds: Invalid value: {q["sinceSeconds"]}: must be greater than 0");
                return;
            }
            since = _options.Time.GetUtcNow().AddSeconds(-seconds);
        }
        if (q["sinceTime"].Count > 0 && DateTimeOffset.TryParse(q["sinceTime"], System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var sinceTime))
            since = sinceTime;
        var key = previous ? KubeStore.PreviousLogKey(t.Namespace ?? "", t.Name!) : KubeStore.LogKey(t.Namespace ?? "", t.Name!);
        string? refused = null;
        int sent;
        List<string> first;
        lock (_lock)
        {
            var pod = _store.Get(t.Type, t.Namespace, t.Name!);
            var container = pod?["spec"]?["containers"]?[0]?["name"]?.ToString();
            if (pod is null) first = null!;
            else if (previous)
            {
                if (!_store.Logs.ContainsKey(key)) refused = $"previous terminated container \"{container}\" in pod \"{t.Name}\" not found";
            }
            else
            {
                var state = pod["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.ToString();
                if (state is "ContainerCreating" or "ImagePullBackOff" or "ErrImagePull" || pod["status"]?["phase"]?.ToString() == "Pending" && state is not null)
                    refused = $"container \"{container}\" in pod \"{t.Name}\" is waiting to start: {(state == "ContainerCreating" ? "ContainerCreating" : "trying and failing to pull image")}";
            }
            var lines = _store.Logs.GetValueOrDefault(key) ?? [];
            first = pod is null ? null! : (tail >= 0 ? lines.Skip(Math.Max(0, lines.Count - tail)) : lines).ToList();
            sent = lines.Count;
            // A previous container has ended: there is nothing to follow.
            if (previous) follow = false;
        }
        if (first is null) { await NotFound(ctx, t.Type, t.Name!); return; }
        if (refused is not null) { await WriteStatus(ctx, 400, "BadRequest", refused); return; }
        if (follow && ReferenceEquals(ctx.Response.Body, Stream.Null)) return; // a simulated lost response: do not stream forever
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain";
        var ct = ctx.RequestAborted;
        string? Shown(string stored)
        {
            var (at, text) = KubeStore.ParseLine(stored);
            if (since is { } from && at < from) return null;
            return (timestamps ? stored[..(stored.Length - text.Length)] : "") + text + "\n";
        }
        try
        {
            foreach (var line in first) if (Shown(line) is { } l) await ctx.Response.WriteAsync(l, Encoding.UTF8, ct);
            await ctx.Response.Body.FlushAsync(ct);
            while (follow)
            {
                Task changed; List<string> more; bool ended;
                lock (_lock)
                {
                    changed = _changed.Task;
                    var pod = _store.Get(t.Type, t.Namespace, t.Name!);
                    var lines = _store.Logs.GetValueOrDefault(key) ?? [];
                    more = lines.Skip(sent).ToList();
                    sent = lines.Count;
                    ended = pod is null || pod["status"]?["phase"]?.ToString() is "Succeeded" or "Failed";
                }
                foreach (var line in more) if (Shown(line) is { } l) await ctx.Response.WriteAsync(l, Encoding.UTF8, ct);
                await ctx.Response.Body.FlushAsync(ct);
                if (ended) break;
                if (more.Count == 0) await changed.WaitAsync(ct);
            }
        }
        catch (OperationCanceledException) { }
    }
}
