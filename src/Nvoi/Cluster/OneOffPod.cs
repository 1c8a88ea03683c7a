using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>The output of a one-off command: text of its standard output or error, as it arrives.</summary>
public delegate void CommandOutput(bool isStderr, string text);

/// <summary>
/// A command in a pod of its own (what <c>nvoi run</c> starts): the app Deployment's pod template with the command in
/// place of the container's, <c>restartPolicy: Never</c>, no probes and no ports, labelled <c>nvoi.io/run=SERVICE</c>
/// (not <c>app=</c>: no Service sends it traffic, <c>nvoi logs</c> does not show it). Its env are the template's
/// secretKeyRefs: the pod spec holds no secret value.
/// </summary>
public sealed class OneOffPod(IKubernetes client, TimeProvider time)
{
    public const string RunLabel = "nvoi.io/run";
    /// <summary>The attach protocol: v5 can close stdin alone (Kubernetes 1.30 and newer).</summary>
    public const string AttachProtocol = "v5.channel.k8s.io";
    private const byte StdinChannel = 0, StdoutChannel = 1, StderrChannel = 2, ErrorChannel = 3, CloseSignal = 255;
    private static readonly string Ns = ClusterLabels.Namespace;

    /// <summary>How long the pod may take to start (scheduling, image pull); the command itself has no deadline.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The pod for <paramref name="argv"/> from <paramref name="deployment"/>'s template.</summary>
    public static V1Pod FromDeployment(V1Deployment deployment, string app, string service, IReadOnlyList<string> argv, bool stdin, string? suffix = null)
    {
        // A deep copy: the template is not changed.
        var spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(deployment.Spec.Template.Spec));
        var container = spec.Containers[0];
        container.Command = argv.ToList();
        container.Args = null;
        container.ReadinessProbe = container.LivenessProbe = container.StartupProbe = null;
        container.Lifecycle = null;
        container.Ports = null;
        container.Stdin = stdin ? true : null;
        container.StdinOnce = stdin ? true : null;
        container.Tty = null;
        spec.Containers = [container];
        spec.RestartPolicy = "Never";
        var baseName = deployment.Metadata.Name + "-run-";
        suffix ??= Suffix();
        if (baseName.Length + suffix.Length > 63) baseName = baseName[..(63 - suffix.Length)];
        var labels = ClusterLabels.Common(app);
        labels[RunLabel] = service;
        return new V1Pod
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = baseName + suffix, NamespaceProperty = Ns, Labels = labels },
            Spec = spec,
        };
    }

    private static string Suffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return new string(RandomNumberGenerator.GetBytes(5).Select(b => alphabet[b % alphabet.Length]).ToArray());
    }

    /// <summary>
    /// Creates the pod, waits for it to start, then streams its output — through the attach API with
    /// <paramref name="stdin"/> sent to the command (and its end closing the command's input), or without input from its
    /// log (stdout and stderr merged, as the log has them) — and returns the container's exit code. The pod is deleted
    /// afterwards, whatever happened (Ctrl-C included).
    /// </summary>
    public async Task<int> RunAsync(V1Pod pod, Stream? stdin, CommandOutput output, CancellationToken ct)
    {
        var name = pod.Metadata.Name;
        await client.CoreV1.CreateNamespacedPodAsync(pod, Ns, fieldManager: ClusterLabels.FieldManager, cancellationToken: ct);
        try
        {
            using (var deadline = new CancellationTokenSource(StartTimeout, time))
            using (var starting = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token))
            {
                try
                {
                    await WaitAsync(name, p => p.Status?.Phase is "Running" or "Succeeded" or "Failed", starting.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new NvoiException($"pod {name} did not start within {StartTimeout.TotalMinutes:0} minutes");
                }
            }
            if (stdin is not null) await AttachAsync(name, pod.Spec.Containers[0].Name, stdin, output, ct);
            else await FollowLogAsync(name, output, ct);
            var done = await WaitAsync(name, p => p.Status?.Phase is "Succeeded" or "Failed", ct);
            return done.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Terminated?.ExitCode ?? (done.Status?.Phase == "Succeeded" ? 0 : 1);
        }
        finally
        {
            try
            {
                await client.CoreV1.DeleteNamespacedPodAsync(name, Ns, gracePeriodSeconds: 0, cancellationToken: CancellationToken.None);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
        }
    }

    /// <summary>Reads the pod, then watches it from that version until <paramref name="done"/>; a pod that cannot start fails.</summary>
    private async Task<V1Pod> WaitAsync(string name, Func<V1Pod, bool> done, CancellationToken ct)
    {
        while (true)
        {
            var pod = await client.CoreV1.ReadNamespacedPodAsync(name, Ns, cancellationToken: ct);
            CheckStartable(pod);
            if (done(pod)) return pod;
            await foreach (var (type, p) in client.CoreV1.WatchListNamespacedPodAsync(Ns, fieldSelector: $"metadata.name={name}",
                               resourceVersion: pod.Metadata.ResourceVersion, timeoutSeconds: 300, cancellationToken: ct))
            {
                if (type == WatchEventType.Deleted) throw new NvoiException($"pod {name} was deleted while the command ran");
                if (type is not (WatchEventType.Added or WatchEventType.Modified)) continue;
                CheckStartable(p);
                if (done(p)) return p;
            }
            // The watch ended (server timeout, a dropped connection): read again.
        }
    }

    private static readonly string[] CannotStart = ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError"];

    private static void CheckStartable(V1Pod pod)
    {
        var waiting = pod.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting;
        if (waiting?.Reason is { } reason && CannotStart.Contains(reason))
            throw new NvoiException($"pod {pod.Metadata.Name} cannot start: {reason}{(waiting.Message is { Length: > 0 } m ? ": " + m : "")}");
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (scheduled?.Status == "False")
            throw new NvoiException($"pod {pod.Metadata.Name} cannot be scheduled: {scheduled.Message ?? scheduled.Reason ?? "Unschedulable"}");
    }

    /// <summary>The pod's log, followed until its container ends.</summary>
    private async Task FollowLogAsync(string name, CommandOutput output, CancellationToken ct)
    {
        await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(name, Ns, follow: true, cancellationToken: ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, ct)) > 0) output(false, new string(buffer, 0, read));
    }

    /// <summary>
    /// pods/attach over a WebSocket (v5.channel.k8s.io): channel 0 carries <paramref name="stdin"/>, whose end is sent as
    /// <c>[255, 0]</c>; channels 1 and 2 are the command's output; channel 3 the final Status. Ends when the server closes.
    /// </summary>
    private async Task AttachAsync(string name, string container, Stream stdin, CommandOutput output, CancellationToken ct)
    {
        using var ws = await client.WebSocketNamespacedPodAttachAsync(name, Ns, container, stderr: true, stdin: true, stdout: true, tty: false,
            webSocketSubProtocol: AttachProtocol, cancellationToken: ct);
        if (ws.SubProtocol != AttachProtocol)
            throw new NvoiException($"the cluster's API does not speak {AttachProtocol} (Kubernetes 1.30 or newer): run -i cannot close the command's input");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var send = new SemaphoreSlim(1, 1);
        async Task SendAsync(byte[] frame)
        {
            await send.WaitAsync(stop.Token);
            try { await ws.SendAsync(frame, WebSocketMessageType.Binary, true, stop.Token); }
            finally { send.Release(); }
        }
        // The input is pumped until its end, or until the command ends first (then the read is abandoned).
        var pump = Task.Run(async () =>
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stdin.ReadAsync(buffer, stop.Token)) > 0)
            {
                var frame = new byte[read + 1];
                frame[0] = StdinChannel;
                buffer.AsSpan(0, read).CopyTo(frame.AsSpan(1));
                await SendAsync(frame);
            }
            await SendAsync([CloseSignal, StdinChannel]);
        }, stop.Token);

        var decoders = new[] { Encoding.UTF8.GetDecoder(), Encoding.UTF8.GetDecoder() };
        var message = new MemoryStream();
        var receive = new byte[16 * 1024];
        string? failure = null;
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(receive, ct);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(receive, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var data = message.ToArray();
                message.SetLength(0);
                if (data.Length <= 1) continue; // the server's "connected" message carries no data
                switch (data[0])
                {
                    case StdoutChannel or StderrChannel:
                        var decoder = decoders[data[0] - 1];
                        var chars = new char[decoder.GetCharCount(data, 1, data.Length - 1)];
                        var count = decoder.GetChars(data, 1, data.Length - 1, chars, 0);
                        if (count > 0) output(data[0] == StderrChannel, new string(chars, 0, count));
                        break;
                    case ErrorChannel:
                        failure = StatusFailure(data.AsSpan(1));
                        break;
                }
            }
        }
        catch (WebSocketException) when (!ct.IsCancellationRequested)
        {
            // The connection ended without a close handshake: the command's end is read from the pod.
        }
        catch (WebSocketException e) when (ct.IsCancellationRequested)
        {
            // Cancelling aborts the socket under a pending receive: that is the interruption, not a failure.
            throw new OperationCanceledException("the run was interrupted", e, ct);
        }
        finally
        {
            await stop.CancelAsync();
            // A read from a terminal may not heed cancellation: the pump is left to end on its own, its failure observed.
            _ = pump.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        }
        if (failure is not null) throw new NvoiException($"attaching to pod {name} failed: {failure}");
    }

    /// <summary>The message of a Status that is not Success (null for Success or an exit-code report, which the pod gives).</summary>
    private static string? StatusFailure(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.TryGetProperty("status", out var s) && s.GetString() == "Success") return null;
            if (root.TryGetProperty("reason", out var r) && r.GetString() == "NonZeroExitCode") return null;
            return root.TryGetProperty("message", out var m) ? m.GetString() : "unknown error";
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
