using Marten;
using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Missions;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Missions;

/// <summary>The Mission handlers HTTP reaches, reached from the message bus by an integrating system.</summary>
public sealed class when_mission_commands_arrive_over_the_bus(PostureHost host) : PostureScenario(host)
{
    private static readonly Instant Launched = Instant.FromUtc(2018, 10, 15, 0, 0);
    private static readonly Instant Expanded = Instant.FromUtc(2021, 2, 18, 0, 0);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaghdadHqAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    private async Task<CommandOutcome> SendAsync(object command)
    {
        using var scope = Host.Alba.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMessageBus>().SendCommandAsync(command, "nato-feed");
    }

    [Fact]
    public async Task every_mission_command_is_decided_and_recorded()
    {
        var outcomes = new[]
        {
            await SendAsync(new LaunchMission(NatoMissionIraq, "NATO Mission Iraq", 500, [BaghdadHq], Launched)),
            await SendAsync(new AssignMissionPersonnel(NatoMissionIraq, BaghdadHq, 500, Launched)),
            await SendAsync(new ExpandMission(NatoMissionIraq, 500, 4000, Expanded)),
            await SendAsync(new WithdrawMissionPersonnel(NatoMissionIraq, BaghdadHq, 50, Expanded + Duration.FromHours(1))),
            await SendAsync(new ReduceMission(NatoMissionIraq, 4000, 3000, Expanded + Duration.FromHours(2))),
        };

        outcomes.ShouldAllBe(o => o.Accepted && o.StreamId == NatoMissionIraq && o.EventsAppended == 1);
        outcomes.Select(o => o.Version).ShouldBe([1L, 2, 3, 4, 5]);
        await using var session = Host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(NatoMissionIraq);
        events.Select(e => e.EventTypeName).ShouldBe(
            ["mission_launched", "mission_personnel_assigned", "mission_expanded", "mission_personnel_withdrawn", "mission_reduced"]);
        events.ShouldAllBe(e => e.UserName == "nato-feed");
    }

    [Fact]
    public async Task a_launch_naming_unregistered_sites_names_only_those_and_writes_nothing()
    {
        var nowhere = Guid.Parse("00000000-0000-4000-8000-00000000aaaa");
        var elsewhere = Guid.Parse("00000000-0000-4000-8000-00000000bbbb");

        var outcome = await SendAsync(new LaunchMission(NatoMissionIraq, "NATO Mission Iraq", 500, [BaghdadHq, nowhere, Requests.Balad, elsewhere], Launched));

        var rejection = outcome.Rejection.ShouldNotBeNull();
        rejection.Kind.ShouldBe(RejectionKind.NotFound);
        rejection.Reason.ShouldContain($"{nowhere}, {elsewhere}");
        rejection.Reason.ShouldNotContain(BaghdadHq.ToString());
        (await Host.EventCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task a_refusal_on_the_bus_is_the_same_rejection_as_over_http_and_writes_nothing()
    {
        (await SendAsync(new LaunchMission(NatoMissionIraq, "NATO Mission Iraq", 500, [BaghdadHq], Launched))).Accepted.ShouldBeTrue();
        (await SendAsync(new ExpandMission(NatoMissionIraq, 500, 4000, Expanded))).Accepted.ShouldBeTrue();

        var outcomes = new[]
        {
            await SendAsync(new ExpandMission(NatoMissionIraq, 500, 4000, Expanded)),
            await SendAsync(new AssignMissionPersonnel(NatoMissionIraq, Guid.NewGuid(), 1, Expanded)),
            await SendAsync(new WithdrawMissionPersonnel(NatoMissionIraq, BaghdadHq, 1, Expanded)),
            await SendAsync(new ReduceMission(Guid.NewGuid(), 500, 400, Expanded)),
            await SendAsync(new AssignMissionPersonnel(NatoMissionIraq, BaghdadHq, 0, Expanded)),
        };

        outcomes.Select(o => o.Rejection?.Kind).ShouldBe(
            [RejectionKind.Conflict, RejectionKind.NotFound, RejectionKind.Conflict, RejectionKind.NotFound, RejectionKind.Invalid]);
        (await Host.EventCountAsync()).ShouldBe(4);
    }

    [Fact]
    public async Task two_assignments_that_together_exceed_the_authorised_strength_never_both_succeed()
    {
        (await SendAsync(new LaunchMission(NatoMissionIraq, "NATO Mission Iraq", 500, [BaghdadHq], Launched))).Accepted.ShouldBeTrue();
        for (var round = 0; round < 10; round++)
        {
            var at = Launched + Duration.FromDays(round);
            var count = 50 * (round + 1);
            var outcomes = await Task.WhenAll(
                Task.Run(() => SendAsync(new AssignMissionPersonnel(NatoMissionIraq, BaghdadHq, count, at))),
                Task.Run(() => SendAsync(new AssignMissionPersonnel(NatoMissionIraq, Requests.Balad, 501 - count, at))));

            outcomes.Count(o => o.Accepted).ShouldBe(1, $"round {round}");
            outcomes.Single(o => !o.Accepted).Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
            var (site, assigned) = outcomes[0].Accepted ? (BaghdadHq, count) : (Requests.Balad, 501 - count);
            (await SendAsync(new WithdrawMissionPersonnel(NatoMissionIraq, site, assigned, at + Duration.FromHours(1)))).Accepted.ShouldBeTrue();
        }

        var mission = (await Host.StreamAsync(NatoMissionIraq)).Aggregate((Mission?)null, Mission.Evolve).ShouldNotBeNull();
        mission.Unassigned.LowestFrom(Instant.MinValue).ShouldBeGreaterThanOrEqualTo(0, "never more assigned than authorised");
        mission.Assigned.Values.ShouldAllBe(count => count.Latest == 0);
    }
}
