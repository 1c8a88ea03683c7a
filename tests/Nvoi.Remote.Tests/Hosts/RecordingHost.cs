using System.Text;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>A fake host that records every call and answers from a queue of results.</summary>
internal sealed class RecordingHost : IRemoteHost
{
    public List<(IReadOnlyList<string> Argv, string? Stdin)> Calls { get; } = [];
    public List<(string Path, string Content)> Uploads { get; } = [];
    public Queue<RemoteResult> Answers { get; } = new();

    public string Server => "rec";

    public RecordingHost Answer(int exit, string stdout = "", string stderr = "")
    {
        Answers.Enqueue(new RemoteResult(exit, stdout, stderr));
        return this;
    }

    public Task<RemoteResult> RunAsync(IReadOnlyList<string> argv, Stream? stdin = null, Action<OutputLine>? onLine = null,
        CancellationToken cancellationToken = default) => RunAsync(new RemoteCommand(argv, stdin, null, onLine), cancellationToken);

    public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken = default)
    {
        string? stdin = null;
        if (command.Stdin is not null)
        {
            using var reader = new StreamReader(command.Stdin, Encoding.UTF8, leaveOpen: true);
            stdin = reader.ReadToEnd();
        }
        Calls.Add((command.Argv.ToArray(), stdin));
        return Task.FromResult(Answers.Count > 0 ? Answers.Dequeue() : new RemoteResult(0, "", ""));
    }

    public Task UploadAsync(Stream content, string remotePath, CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(content, Encoding.UTF8, leaveOpen: true);
        Uploads.Add((remotePath, reader.ReadToEnd()));
        return Task.CompletedTask;
    }

    public Task DownloadAsync(string remotePath, Stream destination, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<IPortForward> ForwardLocalPortAsync(string remoteHost, int remotePort, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
