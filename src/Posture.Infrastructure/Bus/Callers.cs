using Wolverine;

namespace Posture.Infrastructure.Bus;

/// <summary>
/// Who sent a command. The sender's name travels as a message header, so it reaches the handler whether the command
/// came from HTTP, the CLI or a peer on the bus, and is recorded as the user of every event the command produces.
/// </summary>
public static class Callers
{
    public const string Header = "posture-user";

    /// <summary>The idempotency key a sender gives a command (HTTP's Idempotency-Key, or a peer's own).</summary>
    public const string IdempotencyKeyHeader = "posture-idempotency-key";

    /// <summary>The stream version the sender decided on (HTTP's If-Match); the command is refused if the stream moved on.</summary>
    public const string ExpectedVersionHeader = "posture-expected-version";

    /// <summary>The longest idempotency key accepted.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>Recorded when a message arrives without a name (a peer that does not set the header).</summary>
    public const string Unknown = "unknown";

    /// <summary>
    /// Sends a command and waits for its outcome, naming who sent it and, optionally, the idempotency key under which
    /// a retry gets the first outcome again.
    /// </summary>
    public static Task<CommandOutcome> SendCommandAsync(
        this IMessageBus bus, object command, string caller, string? idempotencyKey = null, long? expectedVersion = null,
        CancellationToken cancellation = default) =>
        bus.SendCommandAsync<CommandOutcome>(command, caller, idempotencyKey, expectedVersion, cancellation);

    /// <summary>
    /// <see cref="SendCommandAsync(IMessageBus, object, string, string?, long?, CancellationToken)"/> for a command
    /// whose handler answers a <typeparamref name="TOutcome"/> of its own (a batch's outcome row by row).
    /// </summary>
    public static Task<TOutcome> SendCommandAsync<TOutcome>(
        this IMessageBus bus, object command, string caller, string? idempotencyKey = null, long? expectedVersion = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var options = new DeliveryOptions();
        if (expectedVersion is { } version)
        {
            options.Headers[ExpectedVersionHeader] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        options.Headers[Header] = string.IsNullOrWhiteSpace(caller) ? Unknown : caller.Trim();
        if (!string.IsNullOrWhiteSpace(idempotencyKey))
        {
            options.Headers[IdempotencyKeyHeader] = idempotencyKey;
        }

        return bus.InvokeAsync<TOutcome>(command, options, cancellation);
    }

    /// <summary>The version the sender expects the target stream to be at, if it said.</summary>
    public static long? ExpectedVersionOf(IMessageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Envelope?.Headers.TryGetValue(ExpectedVersionHeader, out var text) == true
               && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }

    /// <summary>The idempotency key of the message being handled, if it has one.</summary>
    public static string? IdempotencyKeyOf(IMessageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Envelope?.Headers.TryGetValue(IdempotencyKeyHeader, out var key) == true && !string.IsNullOrWhiteSpace(key) ? key : null;
    }

    /// <summary>The sender of the message being handled.</summary>
    public static string Of(IMessageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Envelope?.Headers.TryGetValue(Header, out var name) == true && !string.IsNullOrWhiteSpace(name))
        {
            return name;
        }

        return string.IsNullOrWhiteSpace(context.UserName) ? Unknown : context.UserName;
    }
}
