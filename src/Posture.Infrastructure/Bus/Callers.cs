using Wolverine;

namespace Posture.Infrastructure.Bus;

/// <summary>
/// Who sent a command. The sender's name travels as a message header, so it reaches the handler whether the command
/// came from HTTP, the CLI or a peer on the bus, and is recorded as the user of every event the command produces.
/// </summary>
public static class Callers
{
    public const string Header = "posture-user";

    /// <summary>Recorded when a message arrives without a name (a peer that does not set the header).</summary>
    public const string Unknown = "unknown";

    /// <summary>Sends a command and waits for its outcome, naming who sent it.</summary>
    public static Task<CommandOutcome> SendCommandAsync(this IMessageBus bus, object command, string caller, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var options = new DeliveryOptions();
        options.Headers[Header] = string.IsNullOrWhiteSpace(caller) ? Unknown : caller.Trim();
        return bus.InvokeAsync<CommandOutcome>(command, options, cancellation);
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
