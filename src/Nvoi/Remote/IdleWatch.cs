namespace Nvoi.Remote;

/// <summary>
/// Completes <see cref="Expired"/> once nothing happened for <c>limit</c>: the last activity is read
/// through a callback (a <see cref="TimeProvider"/> timestamp), and the timer is set again for the time
/// left whenever activity came in meanwhile. An infinite limit never expires.
/// </summary>
internal sealed class IdleWatch : IDisposable
{
    private readonly TaskCompletionSource _expired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private readonly TimeSpan _limit;
    private readonly Func<long> _lastActivity;
    private readonly ITimer? _timer;

    public IdleWatch(TimeProvider time, TimeSpan limit, Func<long> lastActivity)
    {
        _time = time;
        _limit = limit;
        _lastActivity = lastActivity;
        if (limit == Timeout.InfiniteTimeSpan)
        {
            return;
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero);
        _timer = time.CreateTimer(_ => Check(), null, limit, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Completes when the limit passed without activity.</summary>
    public Task Expired => _expired.Task;

    private void Check()
    {
        var idle = _time.GetElapsedTime(_lastActivity());
        if (idle >= _limit)
        {
            _expired.TrySetResult();
        }
        else
        {
            _timer?.Change(_limit - idle, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
