using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Posture.Infrastructure.Audit;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// <see cref="EventChain.Hash(string?, StoredEvent)"/> writes the hashed text as UTF-8 straight into a buffer
/// (docs/adr/0033); what it hashes is still the text ADR 0014 defines, which the trigger computes and
/// <c>posture audit verify</c> checks. Compared here, with no database, with that definition written out plainly, over
/// generated events: empty and absent fields, non-ASCII text (bytes and characters differ), long payloads.
/// </summary>
public sealed class hashing_an_event_for_the_chain
{
    private static readonly string[] Pieces = ["a", "Z", "0", " ", ":", "-", "\n", "\"", "é", "ß", "中", "😀", "{\"killed\": 3}", new string('x', 300)];

    [Fact]
    public void the_hash_is_sha256_over_the_lines_adr_0014_defines()
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(500).WithName("chain hash"),
            Prop.ForAll(Arb.From(Events()), Arb.From(Text()), (stored, previous) =>
                EventChain.Hash(previous, stored).ShouldBe(Defined(previous, stored), $"the hash of {stored} after {previous}")));
    }

    [Fact]
    public void the_payload_given_as_utf8_hashes_as_the_same_payload_given_as_text()
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(500).WithName("chain hash over UTF-8"),
            Prop.ForAll(Arb.From(Events()), stored =>
                EventChain.Hash("before", stored with { Data = "ignored" }, Encoding.UTF8.GetBytes(stored.Data))
                    .ShouldBe(EventChain.Hash("before", stored), $"the hash of {stored}")));
    }

    [Fact]
    public void a_known_event_keeps_its_known_hash()
    {
        var stored = new StoredEvent(
            Guid.Parse("0b8f2e4c-8a52-4d3e-9d6f-1c2b3a4d5e6f"), 7, 0, "rocket_attack_occurred", 1_764_201_600_000_000, "analyst",
            "run", null, """{"killed": 3, "notes": "près du mur"}""", null);

        EventChain.Hash("ab12", stored).ShouldBe(Defined("ab12", stored));
        EventChain.Hash(null, stored).ShouldNotBe(EventChain.Hash("", stored with { Version = 8 }));
    }

    /// <summary>ADR 0014's definition, as plainly as it reads.</summary>
    private static string Defined(string? previous, StoredEvent stored)
    {
        static string Field(string? value) =>
            value is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(value)}:{value}");

        var text = string.Join('\n',
            previous ?? "", stored.StreamId.ToString("D"), stored.Version.ToString(CultureInfo.InvariantCulture), Field(stored.Type),
            stored.RecordedAtMicroseconds.ToString(CultureInfo.InvariantCulture), Field(stored.UserName), Field(stored.CorrelationId),
            Field(stored.CausationId), Field(stored.Data));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static Gen<string> Text() =>
        from count in Gen.Choose(0, 6)
        from pieces in Gen.ListOf(Gen.Elements(Pieces), count)
        select string.Concat(pieces);

    private static Gen<string?> Optional() => Gen.Frequency((1, Gen.Constant<string?>(null)), (3, Text().Select(t => (string?)t)));

    private static Gen<StoredEvent> Events() =>
        from version in Gen.Elements(1L, 2L, 999L, long.MaxValue)
        from microseconds in Gen.Elements(0L, 1_764_201_600_123_456L, -1L, long.MinValue)
        from type in Text()
        from user in Optional()
        from correlation in Optional()
        from causation in Optional()
        from data in Text()
        select new StoredEvent(Guid.NewGuid(), version, 0, type, microseconds, user, correlation, causation, data, null);
}
