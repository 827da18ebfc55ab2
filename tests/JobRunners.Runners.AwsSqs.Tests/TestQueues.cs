namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>The queues one test created, deleted when it ends so parallel tests never share a queue.</summary>
internal sealed class TestQueues
{
    private readonly List<string> _urls = [];

    public async Task<string> CreateAsync(string purpose, Dictionary<string, string>? attributes = null, bool fifo = false)
    {
        var url = await LocalSqs.CreateQueueAsync(LocalSqs.UniqueName(purpose, fifo), attributes);
        Track(url);
        return url;
    }

    public void Track(string url)
    {
        lock (_urls)
        {
            _urls.Add(url);
        }
    }

    public async Task DeleteAllAsync()
    {
        string[] urls;
        lock (_urls)
        {
            urls = [.. _urls];
            _urls.Clear();
        }

        foreach (var url in urls)
        {
            await LocalSqs.DeleteQueueAsync(url);
        }
    }
}
