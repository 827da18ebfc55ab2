namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// Hands wake-up messages from this process's dispatches straight to this process's worker when LISTEN/NOTIFY
/// is off (with it on, the worker hears its own process's notifications like anyone else's).
/// </summary>
internal sealed class LocalWakeups
{
    private Action<string>? _handler;

    public void Subscribe(Action<string> handler) => _handler += handler;

    public void Unsubscribe(Action<string> handler) => _handler -= handler;

    public void Publish(IEnumerable<string> messages)
    {
        var handler = _handler;
        if (handler is null)
        {
            return;
        }

        foreach (var message in messages)
        {
            handler(message);
        }
    }
}
