using System.Net.Sockets;
using Nvoi.Build;

namespace Nvoi.Tests.Build;

public class BuildContextHasherSocketTests
{
    [Fact]
    public void A_socket_in_the_build_context_is_skipped()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-ctx-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "Dockerfile"), "FROM busybox\n");
            var request = new BuildRequest(dir, "linux/amd64", "nvoi-app", "1", "localhost:1");
            var before = BuildContextHasher.Digest(request);
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(dir, "app.sock")));
            Assert.Equal(before, BuildContextHasher.Digest(request));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
