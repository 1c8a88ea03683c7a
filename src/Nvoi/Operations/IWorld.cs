using k8s;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Dns;
using Nvoi.Remote;

namespace Nvoi.Operations;

/// <summary>
/// Everything outside this process that a deploy, plan or delete talks to. The real world uses the
/// providers' APIs, SSH and Docker; the sandbox world (Nvoi.Sandbox) uses emulators and simulated hosts.
/// The engine is the same code for both.
/// </summary>
public interface IWorld : IAsyncDisposable
{
    /// <summary>True when nothing real is touched (nvoi … --sandbox).</summary>
    bool IsSandbox { get; }

    TimeProvider Time { get; }

    ICloudProvider Cloud { get; }

    ICloudflare Cloudflare { get; }

    /// <summary>A session on a server (one connection per server for the whole run).</summary>
    IRemoteHost Host(ServerInfo server);

    IImageBuilder ImageBuilder { get; }

    /// <summary>A Kubernetes client for the cluster whose API the forward reaches.</summary>
    IKubernetes Kubernetes(string kubeconfig, IPortForward apiForward);

    /// <summary>Checks that a public URL answers from the app (not the error page).</summary>
    Task<UrlCheck> CheckUrlAsync(string hostname, CancellationToken ct);

    /// <summary>
    /// A server was deleted: drop whatever this world keeps about it (the sandbox removes the simulated
    /// host's state and, for a master, its cluster). Nothing to do in the real world.
    /// </summary>
    Task ForgetServerAsync(string name, CancellationToken ct) => Task.CompletedTask;
}

public sealed record UrlCheck(bool Ok, string Detail);
