using System.Net.Sockets;
using Npgsql;

namespace Posture.Infrastructure.Storage;

/// <summary>
/// The failures that mean "the database cannot be reached or cannot serve now" (it is down, restarting, refusing
/// connections, or a query ran past its timeout), as opposed to a fault in the request or in Posture. A caller gets
/// 503 with Retry-After for these and can retry the same command under the same idempotency key.
/// </summary>
public static class DatabaseOutages
{
    /// <summary>How long a caller is asked to wait before retrying (the Retry-After header), in seconds.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// The pauses before each retry of a command whose caller waits for it (HTTP, the CLI) when the database failed:
    /// the bus's policy (PostureServices), and the import's, which writes without the bus.
    /// </summary>
    public static IReadOnlyList<TimeSpan> InlineRetryCooldowns { get; } = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    /// <summary>True when <paramref name="exception"/>, or one it wraps (Marten and Wolverine wrap Npgsql's), is an outage.</summary>
    public static bool IsOutage(Exception exception) => Causes(exception).Any(IsOutageItself);

    private static bool IsOutageItself(Exception exception) => exception switch
    {
        // A server-side error: only the classes that mean the server is going away or cannot accept us now.
        // 08: connection exception; 57P: operator intervention (admin shutdown, crash shutdown, cannot connect now);
        // 53300: too many connections. Any other SQL state (a constraint, a syntax error) is not an outage.
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                                      || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
                                      || postgres.SqlState == PostgresErrorCodes.TooManyConnections,
        // A client-side failure of Npgsql: could not connect, the connection broke, or a timeout (connect, command,
        // or waiting for a pooled connection).
        NpgsqlException npgsql => npgsql.IsTransient,
        SocketException => true,
        _ => false,
    };

    /// <summary>The exception and every one it wraps (inner exceptions, an aggregate's members), outermost first.</summary>
    internal static IEnumerable<Exception> Causes(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        var seen = 0;
        while (pending.Count > 0 && seen++ < 32)
        {
            var current = pending.Pop();
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
