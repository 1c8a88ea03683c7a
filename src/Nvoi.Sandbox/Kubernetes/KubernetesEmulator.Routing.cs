using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Nvoi.Sandbox.Kubernetes;

public sealed partial class KubernetesEmulator
{
    private sealed record Target(ResourceType Type, string? Namespace, string? Name, string? Subresource);

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = (ctx.Request.Path.Value ?? "/").TrimEnd('/');
        switch (path)
        {
            case "/version": await WriteJson(ctx, 200, ResourceTypes.Version()); return;
            case "/api": await WriteJson(ctx, 200, ResourceTypes.CoreVersions()); return;
            case "/apis": await WriteJson(ctx, 200, ResourceTypes.Groups()); return;
            case "/healthz" or "/livez" or "/readyz": await ctx.Response.WriteAsync("ok"); return;
            case "/openapi/v3": await WriteJson(ctx, 200, ResourceTypes.OpenApiRoot()); return;
        }
        if (path.StartsWith("/openapi/v3/"))
        {
            var gv = path["/openapi/v3/".Length..];
            gv = gv.StartsWith("apis/") ? gv["apis/".Length..] : gv.StartsWith("api/") ? gv["api/".Length..] : "";
            if (ResourceTypes.OpenApiDocument(gv) is { } doc) await WriteJson(ctx, 200, doc);
            else await WriteStatus(ctx, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        var segs = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string groupVersion; string[] rest;
        if (segs.Length >= 2 && segs[0] == "api") { groupVersion = segs[1]; rest = segs[2..]; }
        else if (segs.Length >= 3 && segs[0] == "apis") { groupVersion = $"{segs[1]}/{segs[2]}"; rest = segs[3..]; }
        else { await WriteStatus(ctx, 404, "NotFound", "the server could not find the requested resource"); return; }

        if (rest.Length == 0)
        {
            if (ResourceTypes.Resources(groupVersion) is { } list) await WriteJson(ctx, 200, list);
            else await WriteStatus(ctx, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length >= 3) { ns = rest[1]; rest = rest[2..]; }
        var type = ResourceTypes.Find(groupVersion, rest[0]);
        if (type is null || rest.Length > 3 || (ns is not null && !type.Namespaced))
        {
            await WriteStatus(ctx, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        var target = new Target(type, ns, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
        if (target.Subresource is not null && target.Subresource != "status" && !(target.Subresource is "log" or "attach" && type.Kind == "Pod"))
        {
            await WriteStatus(ctx, 404, "NotFound", "the server could not find the requested resource");
            return;
        }

        var method = ctx.Request.Method;
        if (target.Subresource == "attach")
        {
            // GET with a WebSocket upgrade (POST is how SPDY clients ask: refused, they need the upgrade).
            await AttachAsync(ctx, target);
            return;
        }
        if (HttpMethods.IsGet(method))
        {
            if (target.Name is null)
            {
                var q = ctx.Request.Query;
                if (q["watch"] is { Count: > 0 } w && (w[0] == "1" || w[0] == "true")) await WatchAsync(ctx, target);
                else await ListAsync(ctx, target);
            }
            else if (target.Subresource == "log") await LogAsync(ctx, target);
            else await GetAsync(ctx, target);
            return;
        }

        JsonObject? body = null;
        if (!HttpMethods.IsDelete(method) || ctx.Request.ContentLength > 0)
        {
            var text = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            if (text.Trim().Length > 0)
            {
                try { body = JsonNode.Parse(text) as JsonObject; }
                catch (System.Text.Json.JsonException) { }
                if (body is null)
                {
                    await WriteStatus(ctx, 415, "UnsupportedMediaType", "the sandbox accepts JSON bodies only (YAML apply bodies are not supported)");
                    return;
                }
            }
        }

        if (HttpMethods.IsPost(method) && target.Name is null) await CreateAsync(ctx, target, body);
        else if (HttpMethods.IsPut(method) && target.Name is not null) await ReplaceAsync(ctx, target, body);
        else if (HttpMethods.IsPatch(method) && target.Name is not null) await PatchAsync(ctx, target, body);
        else if (HttpMethods.IsDelete(method)) await DeleteAsync(ctx, target, body);
        else await WriteStatus(ctx, 405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
    }

    private static string Manager(HttpContext ctx, string fallback)
    {
        var fm = ctx.Request.Query["fieldManager"].ToString();
        if (fm.Length > 0) return fm;
        var ua = ctx.Request.Headers.UserAgent.ToString();
        return ua.Length > 0 ? ua.Split('/', ' ')[0] : fallback;
    }
}
