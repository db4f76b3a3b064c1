using Cms.Infrastructure.Delivery;
using Hangfire;
using Npgsql;

namespace Cms.Infrastructure.Outbox;

/// <summary>How long and how often an outbox retries, and how long a claim holds (each outbox's options section).</summary>
public interface IOutboxSettings
{
    /// <summary>How long an item is retried, counted from <see cref="OutboxTable.RetrySince"/>, before it is marked FAILED.</summary>
    int RetryForHours { get; }
    /// <summary>First retry delay; it doubles each attempt, up to <see cref="RetryMaxSeconds"/>.</summary>
    int RetryBaseSeconds { get; }
    int RetryMaxSeconds { get; }
    /// <summary>How long an instance holds a claimed item; a crashed sender's lease then expires and the item is sent again.</summary>
    int LeaseSeconds { get; }
}

/// <summary>
/// An outbox table as the engine sees it. Every outbox has <c>id</c>, <c>status</c> (<c>QUEUED</c>, <see cref="InFlight"/>,
/// <see cref="Done"/>, <c>FAILED</c>), <c>attempts</c>, <c>next_attempt_at</c>, <c>lease_until</c> and <c>last_error</c>; the rest
/// is its kind's. The names are the code's own constants, never input.
/// </summary>
public sealed record OutboxTable
{
    /// <summary>Schema-qualified, e.g. <c>delivery.messages</c>.</summary>
    public required string Name { get; init; }
    /// <summary>The status of an item claimed and being sent (its lease running).</summary>
    public string InFlight { get; init; } = "SENDING";
    /// <summary>The status of an item the other side accepted.</summary>
    public string Done { get; init; } = "SENT";
    /// <summary>Set to <c>now()</c> when the item is done.</summary>
    public required string DoneAt { get; init; }
    /// <summary>Set to <c>now()</c> when the item fails for good as well, if the kind records it.</summary>
    public string? FailedAt { get; init; }
    /// <summary>The time the retry window (<see cref="IOutboxSettings.RetryForHours"/>) is counted from.</summary>
    public string RetrySince { get; init; } = "created_at";
    /// <summary>The kind's columns returned by the claim (read by the kind from ordinal <see cref="OutboxItem{T}.FirstColumn"/>).</summary>
    public required string Columns { get; init; }
    /// <summary>A further condition an item must meet to be claimed.</summary>
    public string? Claimable { get; init; }
    /// <summary>Columns set to NULL when the item ends, done or failed (a secret kept only for the sending).</summary>
    public IReadOnlyList<string> ErasedAtEnd { get; init; } = [];
    /// <summary>Columns also set when the retry window is over (an item given up, not refused).</summary>
    public IReadOnlyList<(string Column, object? Value)> WhenGivenUp { get; init; } = [];
    /// <summary>Items sent at once, claimed together in one statement right before their sends start.</summary>
    public int ParallelSends { get; init; } = 1;
    /// <summary>How far ahead the sweep looks: what is due (or whose lease ends) within it gets a job at that time.</summary>
    public TimeSpan SweepAhead { get; init; } = TimeSpan.Zero;
    /// <summary>The most items one sweep takes.</summary>
    public int SweepLimit { get; init; } = 500;
}

/// <summary>A claimed item: the engine's columns and the kind's (<typeparamref name="T"/>).</summary>
public sealed record OutboxItem<T>(Guid Id, int Attempts, DateTimeOffset Since, T Value)
{
    /// <summary>The ordinal of the kind's first column in the claim's result (after id, attempts and the retry window's start).</summary>
    public const int FirstColumn = 3;
}

/// <summary>What one attempt came to: done, or an error (masked, kept in <c>last_error</c>) that is retried unless permanent.</summary>
public sealed record OutboxResult
{
    public static readonly OutboxResult Done = new();

    /// <summary>Null when the other side accepted the item.</summary>
    public string? Error { get; init; }
    /// <summary>A refusal that trying again cannot mend: FAILED at once.</summary>
    public bool Permanent { get; init; }
    /// <summary>The exception the send threw, if it threw: its type may be logged, never its message.</summary>
    public Exception? Exception { get; init; }
    /// <summary>The kind's columns also set when the item ends with this result (an answer kept, a refusal's rule).</summary>
    public IReadOnlyList<(string Column, object? Value)> Also { get; init; } = [];

    public static OutboxResult Completed(params (string Column, object? Value)[] also) => new() { Also = also };

    public static OutboxResult Failed(string error, bool permanent = false, params (string Column, object? Value)[] also) =>
        new() { Error = error, Permanent = permanent, Also = also };
}

/// <summary>
/// The one outbox engine (decision 0049) behind the code messages, the outbound calls and the interop requests. An item is
/// written in the transaction of the operation that needs it and woken after the commit (<see cref="OutboxWakeups{TSender,T}"/>);
/// the engine claims it with a lease by a conditional UPDATE, so that of several instances exactly one sends it, and lets the kind
/// send it (<see cref="DeliverAsync"/>). Accepted: marked done. Failed: retried with back-off (<see cref="IOutboxSettings"/>) as a
/// Hangfire job, until the retry window is over or at once for a permanent refusal, then FAILED. If the process dies between the
/// other side's acceptance and the mark, the lease expires and the item is sent again — each kind makes that repeat recognisable
/// (the same Message-ID, the Idempotency-Key, the request id in the body). The sweep (a recurring job) sends what is due and was
/// never woken, or whose sender died holding it. <typeparamref name="TSelf"/> is the Hangfire job type: the jobs keep its name.
/// </summary>
public abstract partial class OutboxSender<TSelf, T>(NpgsqlDataSource dataSource, OutboxTable table, IOutboxSettings settings, IBackgroundJobClient jobs)
    where TSelf : OutboxSender<TSelf, T>
{
    /// <summary>Sends one item (the kind's own part: the other side's call, never the marks).</summary>
    protected abstract Task<OutboxResult> DeliverAsync(OutboxItem<T> item, CancellationToken cancellationToken);

    /// <summary>Reads the kind's columns (<see cref="OutboxTable.Columns"/>) of a claimed row.</summary>
    protected abstract T Read(NpgsqlDataReader reader);

    /// <summary>
    /// Whether an exception the send threw is a refusal that trying again cannot mend. None is, unless the kind says so: a
    /// proxy's or a network's failure must not give up a call to the certification authority or a peer region.
    /// </summary>
    protected virtual bool IsPermanent(Exception exception) => false;

    /// <summary>Logs (and counts) an item done.</summary>
    protected abstract void Delivered(OutboxItem<T> item);

    /// <summary>Logs (and counts) an attempt that failed; <paramref name="next"/> says what comes of it.</summary>
    protected abstract void NotDelivered(OutboxItem<T> item, OutboxResult result, bool givenUp, string next);

    [AutomaticRetry(Attempts = 0)]
    public Task SendAsync(Guid id, CancellationToken cancellationToken) => SendManyAsync([id], cancellationToken);

    /// <summary>
    /// Sends several items, <see cref="OutboxTable.ParallelSends"/> at a time: each group is claimed in one statement right before
    /// its sends start — so that a claim's lease only has to outlast one send — and each item is recorded as soon as it is done.
    /// An item not claimed was done, failed, is held by another instance, or was woken too early (it is looked at again when due).
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task SendManyAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        foreach (var group in ids.Chunk(table.ParallelSends))
        {
            var claimed = await ClaimAsync(group, cancellationToken);
            if (claimed.Count < group.Length)
            {
                var taken = claimed.Select(c => c.Id).ToHashSet();
                foreach (var id in group.Where(id => !taken.Contains(id)))
                    if (await NotDueForAsync(id, cancellationToken) is { } wait) Wake(id, wait + TimeSpan.FromMilliseconds(200));
            }
            var attempts = await Task.WhenAll(claimed.Select(item => AttemptAsync(item, cancellationToken)));
            // The plain successes of the group in one statement and one commit (issue 29: a mark and a commit per item cost
            // PostgreSQL more than the claim); an item whose mark sets columns of its own was recorded by itself.
            var done = claimed.Where((_, i) => attempts[i]).ToList();
            if (done.Count > 0) await EndDoneAsync(done);
        }
    }

    /// <summary>The safety net: sends whatever is due and was never woken (a crash after commit) or whose sender died holding it.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var due = new List<Guid>();
        var soon = new List<(Guid Id, TimeSpan In)>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand($"""
            SELECT id, greatest(CASE WHEN status = 'QUEUED' THEN next_attempt_at ELSE lease_until END - now(), interval '0') AS wait
            FROM {table.Name}
            WHERE (status = 'QUEUED' AND next_attempt_at <= now() + @ahead) OR (status = '{table.InFlight}' AND lease_until <= now() + @ahead)
            ORDER BY 2, next_attempt_at LIMIT {table.SweepLimit}
            """, connection))
        {
            command.Parameters.AddWithValue("ahead", table.SweepAhead);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var wait = reader.GetFieldValue<TimeSpan>(1);
                if (wait <= TimeSpan.Zero) due.Add(reader.GetGuid(0));
                else soon.Add((reader.GetGuid(0), wait));
            }
        }
        await SendManyAsync([.. due], cancellationToken);
        // Due before the next sweep, or held by a lease that may belong to a dead instance: look again then.
        foreach (var (id, wait) in soon) Wake(id, wait + TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Hands these ids to Hangfire as one job (the wake-up of an instance that does not send by itself).</summary>
    public static void Enqueue(IBackgroundJobClient jobs, Guid[] ids)
    {
        if (ids.Length == 1) jobs.Enqueue<TSelf>(s => s.SendAsync(ids[0], CancellationToken.None));
        else jobs.Enqueue<TSelf>(s => s.SendManyAsync(ids, CancellationToken.None));
    }

    private void Wake(Guid id, TimeSpan delay) => jobs.Schedule<TSelf>(s => s.SendAsync(id, CancellationToken.None), delay);

    /// <summary>
    /// Sends one claimed item and records what came of it — except a plain success (no column of its own to set), which it leaves
    /// to the group's one mark and answers true for.
    /// </summary>
    private async Task<bool> AttemptAsync(OutboxItem<T> item, CancellationToken cancellationToken)
    {
        OutboxResult result;
        try
        {
            result = await DeliverAsync(item, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = OutboxResult.Failed(SendFailures.Describe(ex), IsPermanent(ex)) with { Exception = ex };
        }

        var failedAt = table.FailedAt is { } at ? at + " = now(), " : "";
        if (result.Error is null)
        {
            if (result.Also.Count == 0) return true;
            await EndAsync(item, DoneSet, null, result.Also,
                $"status = 'FAILED', {failedAt}last_error = @error", "the answer could not be recorded");
            Delivered(item);
            return false;
        }
        var delay = TimeSpan.FromSeconds(Math.Min(settings.RetryBaseSeconds * Math.Pow(2, Math.Max(item.Attempts - 1, 0)), settings.RetryMaxSeconds));
        var givenUp = result.Permanent || DateTimeOffset.UtcNow - item.Since > TimeSpan.FromHours(settings.RetryForHours);
        if (givenUp)
            await EndAsync(item, $"status = 'FAILED', {failedAt}last_error = @error", result.Error,
                result.Permanent ? result.Also : [.. table.WhenGivenUp, .. result.Also], $"status = 'FAILED', {failedAt}last_error = @error", result.Error);
        else
            await MarkAsync("status = 'QUEUED', next_attempt_at = now() + @delay, last_error = @error", item, result.Error, delay, []);
        NotDelivered(item, result, givenUp, result.Permanent ? "refused for good" : givenUp ? "given up" : $"retry in {delay.TotalSeconds:0} s");
        if (!givenUp) Wake(item.Id, delay);
        return false;
    }

    /// <summary>
    /// Marks done, in one statement, items the other side accepted, each if it is still this sender's (its claim's attempt), with
    /// the same columns as a single mark; then logs and counts each. Should the mark fail, the items stay in flight and their
    /// leases expire: they are sent again (recognisably, as after a crash) — never recorded as done unsent.
    /// </summary>
    private async Task EndDoneAsync(IReadOnlyList<OutboxItem<T>> items)
    {
        var sql = $"UPDATE {table.Name} AS t SET {DoneSet}, lease_until = NULL{ErasedColumns}"
            // The status inside a CASE, as in the claim: only the key finds the rows (see ClaimAsync).
            + $" FROM unnest(@ids, @attempts) AS d(id, attempts) WHERE t.id = d.id AND CASE t.status WHEN '{table.InFlight}' THEN t.attempts = d.attempts ELSE false END";
        await using (var connection = await dataSource.OpenConnectionAsync(CancellationToken.None))
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            command.Parameters.AddWithValue("ids", items.Select(i => i.Id).ToArray());
            command.Parameters.AddWithValue("attempts", items.Select(i => i.Attempts).ToArray());
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        foreach (var item in items) Delivered(item);
    }

    /// <summary>What a delivered item's end sets, for one item (<see cref="EndAsync"/>) and for a group (<see cref="EndDoneAsync"/>).</summary>
    private string DoneSet => $"status = '{table.Done}', {table.DoneAt} = now(), last_error = NULL";

    /// <summary>The kind's secrets, erased when an item ends (not when it waits for another attempt).</summary>
    private string ErasedColumns => string.Concat(table.ErasedAtEnd.Select(c => $", {c} = NULL"));

    /// <summary>
    /// Ends an item. Should the kind's columns not fit (a peer's answer longer than its column, a value the table refuses), the item
    /// still ends — FAILED with <paramref name="fallbackError"/> — rather than stay in flight and be sent again at every lease's end.
    /// </summary>
    private async Task EndAsync(OutboxItem<T> item, string set, string? error, IReadOnlyList<(string Column, object? Value)> also, string fallbackSet,
        string fallbackError)
    {
        try
        {
            await MarkAsync(set, item, error, null, also);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal) || e.SqlState.StartsWith("23", StringComparison.Ordinal))
        {
            await MarkAsync(fallbackSet, item, fallbackError, null, []);
        }
    }

    /// <summary>
    /// Records an attempt, if the item is still this sender's: its end (the kind's columns set, its secrets erased) or, with a
    /// <paramref name="retryIn"/>, its next attempt. Not cancelled: what was sent is recorded.
    /// </summary>
    private async Task MarkAsync(string set, OutboxItem<T> item, string? error, TimeSpan? retryIn, IReadOnlyList<(string Column, object? Value)> also)
    {
        foreach (var column in also.Select(a => a.Column).Concat(table.ErasedAtEnd))
            if (!ColumnName().IsMatch(column)) throw new ArgumentException($"Not a column name: {column}", nameof(also));
        // The claim this attempt made (each claim counts one more attempt): a sender whose lease ran out and whose item another
        // instance claimed since records nothing.
        var sql = $"UPDATE {table.Name} SET {set}, lease_until = NULL"
            + (retryIn is null ? ErasedColumns : "")
            + string.Concat(also.Select((c, i) => $", {c.Column} = @p{i}"))
            + $" WHERE id = @id AND status = '{table.InFlight}' AND attempts = @attempts";
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", item.Id);
        command.Parameters.AddWithValue("attempts", item.Attempts);
        if (error is not null) command.Parameters.AddWithValue("error", error.Length > 500 ? error[..500] : error);
        if (retryIn is { } delay) command.Parameters.AddWithValue("delay", delay);
        for (var i = 0; i < also.Count; i++) command.Parameters.AddWithValue($"p{i}", also[i].Value ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task<List<OutboxItem<T>>> ClaimAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The status is tested inside a CASE so that only the key can find the rows: written as plain conditions, PostgreSQL chose
        // the (status, next_attempt_at) index for them — few rows are QUEUED or in flight at any moment — and walked its entries of
        // every message that had passed through those statuses since the last vacuum: 2 ms a claim under load instead of 0.1.
        await using var command = new NpgsqlCommand($"""
            UPDATE {table.Name} SET status = '{table.InFlight}', lease_until = now() + make_interval(secs => @lease), attempts = attempts + 1
            WHERE id = ANY(@ids)
              AND CASE status WHEN 'QUEUED' THEN next_attempt_at <= now() WHEN '{table.InFlight}' THEN lease_until < now() ELSE false END
              {(table.Claimable is { } condition ? "AND " + condition : "")}
            RETURNING id, attempts, {table.RetrySince}, {table.Columns}
            """, connection);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("lease", (double)settings.LeaseSeconds);
        var claimed = new List<OutboxItem<T>>(ids.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            claimed.Add(new OutboxItem<T>(reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2), Read(reader)));
        return claimed;
    }

    private async Task<TimeSpan?> NotDueForAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT next_attempt_at - now() FROM {table.Name} WHERE id = @id AND status = 'QUEUED' AND next_attempt_at > now()", connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is TimeSpan wait ? wait : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z_]+$")]
    private static partial System.Text.RegularExpressions.Regex ColumnName();
}
