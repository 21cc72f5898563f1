using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using Posture.Infrastructure.Json;

namespace Posture.Infrastructure.Bus;

/// <summary>
/// The remembered outcome of a command sent with an idempotency key, stored in the same transaction as the events
/// it produced: a second delivery with the same key gets the same outcome and changes nothing.
/// </summary>
public sealed record CommandReceipt(string Id, string CommandType, string Fingerprint, CommandOutcome Outcome, Instant RecordedAt)
{
    /// <summary>The receipt's id: keys are scoped to the caller, so two callers cannot collide.</summary>
    public static string IdFor(string caller, string key) => $"{caller}\n{key}";

    /// <summary>A stable digest of the command (type and content), to tell a retry from a different command under the same key.</summary>
    public static string FingerprintOf(object command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var json = JsonSerializer.SerializeToUtf8Bytes(command, command.GetType(), FingerprintJson);
        var type = Encoding.UTF8.GetBytes(command.GetType().FullName ?? command.GetType().Name);
        return Convert.ToHexString(SHA256.HashData([.. type, 0, .. json]));
    }

    // A command is fingerprinted before the domain checks it: one holding an infinite coordinate must still get a
    // fingerprint (and then the domain's refusal), not fail to serialize.
    private static readonly JsonSerializerOptions FingerprintJson = new(PostureJson.Create())
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

/// <summary>Ids that must come out the same when a request is retried under the same idempotency key.</summary>
public static class IdempotentIds
{
    /// <summary>A version-8 (custom) UUID derived from who asked, their key and what the id is for.</summary>
    public static Guid For(string caller, string key, string purpose)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{caller}\n{key}\n{purpose}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
