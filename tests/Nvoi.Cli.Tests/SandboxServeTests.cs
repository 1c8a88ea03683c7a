using System.Net.Http.Headers;
using System.Text.Json;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Tests;

public class SandboxServeTests
{
    /// <summary>Captures stdout and signals its first line.</summary>
    private sealed class FirstLineWriter : StringWriter
    {
        public TaskCompletionSource<string> FirstLine { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            FirstLine.TrySetResult(value ?? "");
        }
    }

    [Fact]
    public async Task Serve_prints_every_emulators_base_url_on_its_first_line_and_serves_until_interrupted()
    {
        var stdout = new FirstLineWriter();
        var state = Directory.CreateTempSubdirectory("nvoi-serve-").FullName;
        var host = new CliHost
        {
            Out = stdout, Err = new StringWriter(), In = TextReader.Null,
            GetEnvironmentVariable = _ => null, CurrentDirectory = state,
        };
        using var stop = new CancellationTokenSource();
        var serving = NvoiApp.RunAsync(["sandbox", "serve", "--state-dir", state], host, stop.Token);

        var line = await stdout.FirstLine.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var urls = JsonSerializer.Deserialize<Dictionary<string, string>>(line)!;
        Assert.Equal(["aws", "cloudflare", "hetzner", "kubernetes", "scaleway"], urls.Keys.Order());
        Assert.EndsWith("/client/v4", urls["cloudflare"]);
        Assert.All(urls.Values, u => Assert.StartsWith("http://127.0.0.1:", u));

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-token");
        var locations = await http.GetStringAsync(urls["hetzner"] + "/locations");
        Assert.Contains("fsn1", locations);
        Assert.Contains("gitVersion", await http.GetStringAsync(urls["kubernetes"] + "/version"));

        stop.Cancel();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromMinutes(1)));
        Directory.Delete(state, recursive: true);
    }
}
