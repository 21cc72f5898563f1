using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Common;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;

namespace Posture.IntegrationTests.Bases;

/// <summary>The same handlers HTTP reaches, reached from the message bus by an integrating system.</summary>
public sealed class when_commands_arrive_over_the_bus(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid Erbil = Guid.Parse("e4b11000-0000-4000-8000-000000000002");

    private IMessageBus Bus => Host.Alba.Services.GetRequiredService<IMessageBus>();

    private static RecordIncident ErbilAttack(Instant occurredAt) => new(
        Erbil, Guid.NewGuid(), IncidentKind.Rocket,
        new IncidentReport(occurredAt, TimePrecision.Hour, 3, Impact.Inside, 1, 9, Affiliation.Contractor, Attribution.Claimed, "Awliya al-Dam",
            "AP", Confidence.Confirmed, "A foreign civilian contractor killed; wounded first reported as six, then nine."));

    [Fact]
    public async Task a_base_and_an_attack_are_recorded_and_the_read_model_follows()
    {
        var registered = await Bus.InvokeAsync<CommandOutcome>(new RegisterBase(Erbil, "Erbil Air Base", "Iraq", "Erbil", 36.2375, 43.9631));
        registered.Accepted.ShouldBeTrue();
        registered.Version.ShouldBe(1);

        var attacked = await Bus.InvokeAsync<CommandOutcome>(ErbilAttack(Instant.FromUtc(2021, 2, 15, 18, 30)));
        attacked.Accepted.ShouldBeTrue();
        attacked.Version.ShouldBe(2);

        await using var session = Host.Store.QuerySession();
        (await session.LoadAsync<SitePosture>(Erbil)).ShouldNotBeNull().BaseVersion.ShouldBe(2);
        (await session.Query<IncidentLogEntry>().SingleAsync(i => i.SiteId == Erbil)).OccurredAt.ShouldBe(Instant.FromUtc(2021, 2, 15, 18, 30));
    }

    [Fact]
    public async Task a_refused_command_answers_the_rejection_and_writes_nothing()
    {
        await Bus.InvokeAsync<CommandOutcome>(new RegisterBase(Erbil, "Erbil Air Base", "Iraq", "Erbil", 36.2375, 43.9631));

        var outcome = await Bus.InvokeAsync<CommandOutcome>(ErbilAttack(PostureHost.Now + Duration.FromDays(1)));

        outcome.Accepted.ShouldBeFalse();
        var rejection = outcome.Rejection.ShouldNotBeNull();
        rejection.Kind.ShouldBe(RejectionKind.Invalid);
        rejection.Problems.Single().Field.ShouldBe("occurredAt");
        (await Host.EventCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task the_sender_named_in_the_header_is_recorded_and_a_nameless_one_is_unknown()
    {
        (await Bus.SendCommandAsync(new RegisterBase(Erbil, "Erbil Air Base", "Iraq", "Erbil", 36.2375, 43.9631), "coalition-feed")).Accepted.ShouldBeTrue();
        (await Bus.InvokeAsync<CommandOutcome>(ErbilAttack(Instant.FromUtc(2021, 2, 15, 18, 30)))).Accepted.ShouldBeTrue();

        await using var session = Host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(Erbil);
        events.Select(e => e.UserName).ShouldBe(["coalition-feed", Callers.Unknown]);
    }

    [Fact]
    public async Task the_injected_clock_decides_what_is_in_the_future()
    {
        await Bus.InvokeAsync<CommandOutcome>(new RegisterBase(Erbil, "Erbil Air Base", "Iraq", "Erbil", 36.2375, 43.9631));
        var tomorrow = PostureHost.Now + Duration.FromDays(1);

        (await Bus.InvokeAsync<CommandOutcome>(ErbilAttack(tomorrow))).Accepted.ShouldBeFalse();
        Host.Clock.AdvanceDays(2);
        (await Bus.InvokeAsync<CommandOutcome>(ErbilAttack(tomorrow))).Accepted.ShouldBeTrue();
    }
}

/// <summary>Writers racing for one stream: the loser decides again on the fresh state instead of failing.</summary>
public sealed class when_commands_race_for_one_base(PostureHost host) : PostureScenario(host)
{
    [Fact]
    public async Task concurrent_reports_on_one_base_are_all_recorded_and_none_twice()
    {
        await Host.Alba.RegisterBaladAsync();
        var bus = Host.Alba.Services.GetRequiredService<IMessageBus>();
        var reports = Enumerable.Range(1, 12).Select(i => new RecordIncident(
            Requests.Balad, Guid.NewGuid(), IncidentKind.IndirectFire,
            new IncidentReport(Instant.FromUtc(2021, 2, 1, i, 0), TimePrecision.Hour, i, Impact.Perimeter, 0, 0, null, Attribution.Unknown, null,
                "Iraqi military", Confidence.Probable, null))).ToList();

        var outcomes = await Task.WhenAll(reports.Select(report => Task.Run(() => bus.SendCommandAsync(report, "officer"))));

        outcomes.ShouldAllBe(o => o.Accepted);
        outcomes.Select(o => o.Version).Order().ShouldBe(Enumerable.Range(2, 12).Select(v => (long)v));
        (await Host.EventCountAsync()).ShouldBe(13);
    }
}
