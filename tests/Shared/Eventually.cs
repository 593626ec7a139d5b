namespace EnsembleGrpc.Tests.Shared;

/// <summary>
/// Waits for a condition on state another thread changes (a queue length, a counter) by re-checking it; the
/// test never relies on a fixed sleep being "long enough", and fails with a clear message after the timeout.
/// </summary>
public static class Eventually
{
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}");
            }

            await Task.Yield();
            await Task.Delay(1);
        }
    }
}
