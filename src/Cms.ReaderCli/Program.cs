namespace Cms.ReaderCli;

/// <summary>The entry point (an explicit class: the top-level one would be public beside the API's own Program).</summary>
internal static class ReaderProgram
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        return await ReaderCommands.RunAsync(args, Console.In, Console.Out, Console.Error, stop.Token);
    }
}
