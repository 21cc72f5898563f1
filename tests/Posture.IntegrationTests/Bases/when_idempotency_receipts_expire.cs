using System.Text.Json;
using Alba;
using Marten;
using NodaTime;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Bases;

/// <summary>
/// An idempotency key is honoured for a while (<c>Posture:Idempotency:KeepDays</c>, docs/adr/0036), not for ever:
/// older receipts are deleted, and a retry under such a key is a new command, which ids derived from the key keep safe.
/// </summary>
public sealed class when_idempotency_receipts_expire(PostureHost host) : PostureScenario(host)
{
    private static readonly object Erbil = new { name = "Erbil Air Base", country = "Iraq", region = "Erbil", latitude = 36.2375, longitude = 43.9631 };

    [Fact]
    public async Task receipts_recorded_before_the_cutoff_are_deleted_and_the_rest_kept()
    {
        var outcome = new CommandOutcome(Guid.NewGuid(), 1, 1, null);
        await using (var session = Host.Store.LightweightSession())
        {
            foreach (var (id, age) in new[] { ("old", 40), ("recent", 29), ("new", 0) })
            {
                session.Store(new CommandReceipt(id, "RegisterBase", "fingerprint", outcome, PostureHost.Now - Duration.FromDays(age)));
            }

            await session.SaveChangesAsync();
        }

        var deleted = await ReceiptExpiry.ExpireAsync(Host.Store, PostureHost.Now - Duration.FromDays(30), CancellationToken.None);

        deleted.ShouldBe(1);
        await using var query = Host.Store.QuerySession();
        (await query.Query<CommandReceipt>().Select(r => r.Id).ToListAsync()).Order().ShouldBe(["new", "recent"]);
    }

    [Fact]
    public async Task a_retry_under_an_expired_key_is_decided_again_and_writes_nothing_twice()
    {
        await Host.Alba.PostAsync("/api/bases", Erbil, 201, idempotencyKey: "register-erbil");
        await Host.Alba.PostAsync("/api/bases", Erbil, 201, idempotencyKey: "register-erbil");
        var events = await Host.EventCountAsync();

        (await ReceiptExpiry.ExpireAsync(Host.Store, PostureHost.Now + Duration.FromSeconds(1), CancellationToken.None)).ShouldBe(1);

        // The base's id comes from the key, so the command decided again finds it registered.
        var again = await Host.Alba.PostAsync("/api/bases", Erbil, 409, idempotencyKey: "register-erbil");
        (await again.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("already registered");
        (await Host.EventCountAsync()).ShouldBe(events);
    }
}
