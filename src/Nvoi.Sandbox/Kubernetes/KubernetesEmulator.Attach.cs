using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Nvoi.Sandbox.Kubernetes;

public sealed partial class KubernetesEmulator
{
    /// <summary>The WebSocket subprotocols of pods/attach, preferred first (v5 can close stdin alone: <c>[255, 0]</c>).</summary>
    public static readonly string[] AttachProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    private const byte StdinChannel = 0, StdoutChannel = 1, StderrChannel = 2, ErrorChannel = 3, CloseSignal = 255;

    /// <summary>One-off pods a client is attached to (an input is consumed once: stdinOnce).</summary>
    private readonly HashSet<string> _attached = [];

    /// <summary>
    /// pods/attach over a WebSocket, as the API server relays the kubelet's stream: binary messages whose first byte is
    /// the channel (0 stdin, 1 stdout, 2 stderr, 3 the final Status; with v5, <c>[255, 0]</c> from the client closes
    /// stdin). On connect the server sends an empty message on the lowest output channel; when the container's command
    /// ends it sends <c>{"metadata":{},"status":"Success"}</c> on channel 3 and closes. Only a one-off pod waiting on its
    /// input (<c>stdin: true</c>, not yet attached) runs when attached (see <see cref="ContainerCommands"/>); attaching to
    /// any other pod is refused with 400 (the sandbox's containers have no process to join).
    /// </summary>
    private async Task AttachAsync(HttpContext ctx, Target t)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            await WriteStatus(ctx, 400, "BadRequest", "Upgrade request required");
            return;
        }
        var q = ctx.Request.Query;
        bool Flag(string k) => q[k].ToString() is "true" or "1";
        var (stdin, stdout, stderr) = (Flag("stdin"), Flag("stdout"), Flag("stderr"));
        var offered = ctx.WebSockets.WebSocketRequestedProtocols;
        var protocol = AttachProtocols.FirstOrDefault(offered.Contains);
        string? refused = null;
        JsonObject? pod;
        List<string> argv = [];
        Dictionary<string, string> env = [];
        var key = KubeStore.LogKey(t.Namespace ?? "", t.Name!);
        lock (_lock)
        {
            pod = _store.Get(t.Type, t.Namespace, t.Name!);
            var container = pod?["spec"]?["containers"]?[0]?["name"]?.ToString();
            var phase = pod?["status"]?["phase"]?.ToString();
            if (pod is null) { }
            else if (q["container"].ToString() is { Length: > 0 } wanted && wanted != container)
                refused = $"container {wanted} is not valid for pod {t.Name}";
            else if (phase is "Succeeded" or "Failed")
                refused = $"cannot attach a container in a completed pod; current phase is {phase}";
            else if (phase != "Running")
                refused = $"container \"{container}\" in pod \"{t.Name}\" is waiting to start: ContainerCreating";
            else if (protocol is null)
                refused = $"the sandbox speaks {string.Join(" and ", AttachProtocols)} only";
            else if (!Workloads.IsOneOff(pod) || !Workloads.WaitsForInput(pod) || !_attached.Add(key))
                refused = $"the sandbox attaches only to a one-off pod waiting on its input (stdin: true, restartPolicy: Never), once; {t.Name} is not one";
            else
            {
                argv = Workloads.Command(pod);
                env = _workloads.Environment(pod);
            }
        }
        if (pod is null) { await NotFound(ctx, t.Type, t.Name!); return; }
        if (refused is not null) { await WriteStatus(ctx, 400, "BadRequest", refused); return; }

        using var ws = await ctx.WebSockets.AcceptWebSocketAsync(protocol);
        var output = new AttachedOutput(ws, stdout, stderr);
        await output.SendAsync(stdout ? StdoutChannel : stderr ? StderrChannel : ErrorChannel, ReadOnlyMemory<byte>.Empty, ctx.RequestAborted);
        var input = new Pipe();
        var pump = PumpInputAsync(ws, input.Writer, stdin, protocol == AttachProtocols[0], ctx.RequestAborted);
        int exit;
        try
        {
            exit = await ContainerCommands.RunAsync(argv, env, input.Reader.AsStream(), output, ctx.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            exit = 137; // the client went away: the container is killed
        }
        lock (_lock)
        {
            if (_store.Get(t.Type, t.Namespace, t.Name!) is { } still)
            {
                _workloads.Finish(still, exit, output.Collected.Text);
                _workloads.Reconcile();
            }
            _attached.Remove(key);
        }
        Signal();
        if (ws.State == WebSocketState.Open)
        {
            try
            {
                await output.SendAsync(ErrorChannel, Encoding.UTF8.GetBytes("{\"metadata\":{},\"status\":\"Success\"}"), ctx.RequestAborted);
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ctx.RequestAborted);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        await input.Writer.CompleteAsync();
        try { await pump; } catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }

    /// <summary>Client messages: channel 0 is the container's input; v5's <c>[255, 0]</c> or the client's close ends it.</summary>
    private static async Task PumpInputAsync(WebSocket ws, PipeWriter input, bool stdinWanted, bool v5, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        var inputOpen = true;
        try
        {
            while (ws.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var r = await ws.ReceiveAsync(buffer, ct);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var data = message.ToArray();
                message.SetLength(0);
                if (data.Length == 0) continue;
                if (data[0] == StdinChannel && stdinWanted && inputOpen) await input.WriteAsync(data.AsMemory(1), ct);
                else if (v5 && data[0] == CloseSignal && data.Length > 1 && data[1] == StdinChannel && inputOpen)
                {
                    inputOpen = false;
                    await input.CompleteAsync();
                }
            }
        }
        finally
        {
            if (inputOpen) await input.CompleteAsync();
        }
    }

    /// <summary>Sends the container's output on its channels (one message at a time) and keeps it for the log.</summary>
    private sealed class AttachedOutput(WebSocket ws, bool stdout, bool stderr) : IContainerOutput
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        public Workloads.CollectedOutput Collected { get; } = new();

        public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            var frame = new byte[data.Length + 1];
            frame[0] = channel;
            data.CopyTo(frame.AsMemory(1));
            await _send.WaitAsync(ct);
            try { await ws.SendAsync(frame, WebSocketMessageType.Binary, true, ct); }
            finally { _send.Release(); }
        }

        public async Task StdoutAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            await Collected.StdoutAsync(data, ct);
            if (stdout) await SendAsync(StdoutChannel, data, ct);
        }

        public async Task StderrAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            await Collected.StderrAsync(data, ct);
            if (stderr) await SendAsync(StderrChannel, data, ct);
        }
    }
}
