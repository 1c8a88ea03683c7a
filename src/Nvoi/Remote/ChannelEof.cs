using System.Reflection;

namespace Nvoi.Remote;

/// <summary>
/// Ends a command's input. SSH.NET (2026.0.0) sends the channel's EOF when its input stream is disposed,
/// but only once something was written to it: a command given an empty input (`cat`, an empty upload)
/// would wait for input until the connection closed. Then the EOF is sent through the stream's channel
/// (its private <c>_channel</c>, whose <c>IsOpen</c> and <c>SendEof</c> are public) while the command
/// runs. The tests pin this: a command reading an empty input ends.
/// </summary>
internal static class ChannelEof
{
    /// <summary>
    /// Disposes the input stream (EOF once data was written); with <paramref name="forceEof"/>, sends the
    /// EOF SSH.NET would not send, unless the command has ended (its channel may be closing).
    /// </summary>
    public static void Close(Stream input, bool forceEof, Task execution)
    {
        try
        {
            if (forceEof && !execution.IsCompleted &&
                input.GetType().GetField("_channel", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(input) is { } channel &&
                channel.GetType().GetProperty("IsOpen", BindingFlags.Instance | BindingFlags.Public)?.GetValue(channel) is true &&
                channel.GetType().GetMethod("SendEof", BindingFlags.Instance | BindingFlags.Public, Type.EmptyTypes) is { } sendEof)
            {
                sendEof.Invoke(channel, null);
            }
        }
        catch (TargetInvocationException)
        {
            // The channel closed meanwhile: the command has ended.
        }
        input.Dispose();
    }
}
