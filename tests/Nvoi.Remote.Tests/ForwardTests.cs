using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nvoi.Remote.Tests;

public class ForwardTests(SshdFixture fixture) : IClassFixture<SshdFixture>
{
    [Fact]
    public async Task Local_forward_reaches_an_http_server_on_the_remote_side_and_closes()
    {
        // The "remote" HTTP server listens on the sshd's address; the client only talks to the
        // forward's local port, so every request it serves came through the SSH channel.
        using var listener = new TcpListener(IPAddress.Parse(fixture.Server.Address), 0);
        listener.Start();
        var httpPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = ServeAsync(listener, requests: 2);

        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var forward = await host.ForwardLocalPortAsync(fixture.Server.Address, httpPort);
        Assert.Equal("127.0.0.1", forward.LocalHost);
        Assert.NotEqual(httpPort, forward.LocalPort);

        using var http = new HttpClient();
        for (var i = 0; i < 2; i++)
        {
            var body = await http.GetStringAsync($"http://127.0.0.1:{forward.LocalPort}/v2/");
            Assert.Equal("hello from the registry", body);
        }
        Assert.Equal(2, await serving);

        await forward.DisposeAsync();
        // The listener is closed; .NET may finish closing it a moment after Dispose, so a connect
        // that still lands must be cut off without reaching the remote server.
        using (var probe = new TcpClient())
        {
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, forward.LocalPort);
                var n = await probe.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(0, n);
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                // Refused or reset: closed.
            }
        }
        Assert.False(listener.Pending());
        Assert.True((await host.RunAsync(["true"])).Succeeded);
    }

    private static async Task<int> ServeAsync(TcpListener listener, int requests)
    {
        var served = 0;
        for (var i = 0; i < requests; i++)
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n"))
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    break;
                }
                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            Assert.StartsWith("GET /v2/ HTTP/1.1", request.ToString());
            const string body = "hello from the registry";
            var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
            served++;
        }
        return served;
    }
}
