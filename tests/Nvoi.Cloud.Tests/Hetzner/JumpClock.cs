namespace Nvoi.Cloud.Tests.Hetzner;

/// <summary>
/// A fake clock that never sleeps: every timer fires at once and moves the clock forward by its due
/// time. Shared by adapter and emulator, so waits (boot, Retry-After, polling) take no real time but
/// their virtual duration is observable.
/// </summary>
public sealed class JumpClock : TimeProvider
{
    private long _ticks = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan) return new Noop();
        if (dueTime > TimeSpan.Zero) Advance(dueTime);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new Noop();
    }

    private sealed class Noop : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => default;
    }
}
