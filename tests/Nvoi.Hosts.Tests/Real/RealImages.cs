using Nvoi.Hosts.Tests.Contracts;
using Nvoi.Remote;

namespace Nvoi.Hosts.Tests.Real;

/// <summary>A test host's containerd (namespace k8s.io, as k3s uses it), filled by pulling from the registry in the host.</summary>
internal sealed class RealImages(RealHost real) : IContractImages
{
    public IRemoteHost Host => real.Host;

    public async Task SeedAsync(IReadOnlyList<string> references, IReadOnlyList<string>? inUse)
    {
        await real.InstallK3sStandInAsync();
        foreach (var reference in references)
        {
            // Only the content is fetched (no unpack: the host's root is itself an overlay).
            var (code, stdout, stderr) = await real.ExecAsync("ctr", "-n", "k8s.io", "content", "fetch", "--plain-http", reference);
            if (code != 0) throw new InvalidOperationException($"ctr content fetch {reference}: {stderr}{stdout}");
            var ok = await real.ExecAsync("sh", "-c", "ctr -n k8s.io images ls -q | grep -qxF \"$1\"", "sh", reference);
            if (ok.Code != 0) throw new InvalidOperationException($"{reference} is not in containerd after the fetch");
        }
        var list = inUse is null ? "rm -f /etc/nvoi-test-pods/images"
            : $"printf '%s\\n' {string.Join(' ', inUse)} >/etc/nvoi-test-pods/images";
        var result = await real.ExecAsync("sh", "-c", list);
        if (result.Code != 0) throw new InvalidOperationException(result.Stderr);
    }

    public async Task<IReadOnlyList<string>> ListAsync()
    {
        var (_, stdout, _) = await real.ExecAsync("ctr", "-n", "k8s.io", "images", "ls", "-q");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
