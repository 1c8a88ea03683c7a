namespace Nvoi.Dns.Tests;

/// <summary>
/// A clock whose timers fire at once and move virtual time forward by their due time, so retries
/// and polls run without sleeping while timeouts still expire. Records every delay asked for.
/// </summary>
internal sealed class InstantTimeProvider : TimeProvider
{
    private readonly object _lock = new();
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<TimeSpan> _delays = [];

    public IReadOnlyList<TimeSpan> Delays { get { lock (_lock) return [.. _delays]; } }

    public override DateTimeOffset GetUtcNow() { lock (_lock) return _now; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan) return new NoTimer();
        lock (_lock)
        {
            _delays.Add(dueTime);
            _now += dueTime;
        }
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => default;
    }
}
