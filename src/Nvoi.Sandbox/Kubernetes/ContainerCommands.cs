using System.Text;
using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>Where a simulated container writes (stdout, stderr), as bytes in the order written.</summary>
internal interface IContainerOutput
{
    Task StdoutAsync(ReadOnlyMemory<byte> data, CancellationToken ct);
    Task StderrAsync(ReadOnlyMemory<byte> data, CancellationToken ct);
}

/// <summary>
/// The commands a one-off pod's container runs in the sandbox (there is no image to run): <c>echo</c>, <c>cat</c>
/// (standard input to output, chunk by chunk as it arrives), <c>true</c>, <c>false</c>, <c>printenv NAME…</c>,
/// <c>sleep N</c> (returns at once), <c>exit N</c>, and <c>sh|bash -c SCRIPT</c> whose script is one of those,
/// split on blanks (no quoting, no pipes). Anything else prints <c>sandbox: X: not simulated</c> and exits 127,
/// as a missing command does in a shell.
/// </summary>
internal static class ContainerCommands
{
    public static async Task<int> RunAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> env, Stream stdin,
        IContainerOutput output, CancellationToken ct)
    {
        if (argv.Count == 0) return 0;
        Task Out(string text) => output.StdoutAsync(Encoding.UTF8.GetBytes(text), ct);
        Task Err(string text) => output.StderrAsync(Encoding.UTF8.GetBytes(text), ct);
        var args = argv.Skip(1).ToList();
        switch (argv[0])
        {
            case "sh" or "bash" or "/bin/sh" or "/bin/bash" when args is ["-c", var script, ..]:
                return await RunAsync(script.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries), env, stdin, output, ct);
            case "true" or "sleep":
                return 0;
            case "false":
                return 1;
            case "exit":
                return args is [var code] && int.TryParse(code, out var n) ? n & 0xff : 0;
            case "echo":
                await Out(string.Join(' ', args) + "\n");
                return 0;
            case "printenv":
                var rc = 0;
                foreach (var name in args)
                {
                    if (env.TryGetValue(name, out var value)) await Out(value + "\n");
                    else rc = 1;
                }
                return rc;
            case "cat" when args.Count == 0 || args is ["-"]:
                var buffer = new byte[8192];
                int read;
                while ((read = await stdin.ReadAsync(buffer, ct)) > 0) await output.StdoutAsync(buffer.AsMemory(0, read), ct);
                return 0;
            default:
                await Err($"sandbox: {argv[0]}: not simulated\n");
                return 127;
        }
    }

    /// <summary>
    /// The container's environment as the kubelet builds it: envFrom (Secrets and ConfigMaps), then env (values and
    /// secretKeyRef/configMapKeyRef), a missing optional reference left out.
    /// </summary>
    public static Dictionary<string, string> Environment(JsonObject container, Func<string, string, JsonObject?> find)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Value(JsonObject? obj, string kind, string key)
        {
            if (obj?["data"]?[key]?.ToString() is not { } raw) return null;
            return kind == "Secret" ? Encoding.UTF8.GetString(Convert.FromBase64String(raw)) : raw;
        }
        foreach (var from in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var (kind, name) = from["secretRef"]?["name"]?.ToString() is { } s ? ("Secret", s) : ("ConfigMap", from["configMapRef"]?["name"]?.ToString() ?? "");
            var obj = find(kind, name);
            foreach (var (k, _) in obj?["data"] as JsonObject ?? [])
                if (Value(obj, kind, k) is { } v) env[(from["prefix"]?.ToString() ?? "") + k] = v;
        }
        foreach (var e in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = e["name"]?.ToString();
            if (name is null) continue;
            if (e["value"] is { } literal) env[name] = literal.ToString();
            else if (e["valueFrom"]?["secretKeyRef"] is JsonObject sk && Value(find("Secret", sk["name"]?.ToString() ?? ""), "Secret", sk["key"]?.ToString() ?? "") is { } sv) env[name] = sv;
            else if (e["valueFrom"]?["configMapKeyRef"] is JsonObject ck && Value(find("ConfigMap", ck["name"]?.ToString() ?? ""), "ConfigMap", ck["key"]?.ToString() ?? "") is { } cv) env[name] = cv;
        }
        return env;
    }
}
