using Marten;
using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Contractors;
using Posture.Domain.Sites;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Contractors;

/// <summary>The Contractor handlers HTTP reaches, reached from the message bus by an integrating system.</summary>
public sealed class when_contractor_commands_arrive_over_the_bus(PostureHost host) : PostureScenario(host)
{
    private static readonly Instant Engaged = Instant.FromUtc(2017, 12, 1, 0, 0);
    private static readonly Instant Deployed = Instant.FromUtc(2018, 3, 1, 0, 0);
    private static readonly Instant Attack = Instant.FromUtc(2021, 2, 20, 17, 30);

    private IMessageBus Bus => Host.Alba.Services.GetRequiredService<IMessageBus>();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    private Task<CommandOutcome> SendAsync(object command) => Bus.SendCommandAsync(command, "sallyport-feed");

    private async Task EngagedAndDeployedAsync(int people)
    {
        (await SendAsync(new EngageContractor(Sallyport, "Sallyport", "Iraqi F-16 programme", Engaged))).Accepted.ShouldBeTrue();
        (await SendAsync(new DeployContractors(Sallyport, Requests.Balad, people, Deployed))).Accepted.ShouldBeTrue();
    }

    [Fact]
    public async Task every_contractor_command_is_decided_and_recorded()
    {
        var outcomes = new[]
        {
            await SendAsync(new EngageContractor(Sallyport, "Sallyport", "Iraqi F-16 programme", Engaged)),
            await SendAsync(new DeployContractors(Sallyport, Requests.Balad, 1850, Deployed)),
            await SendAsync(new EvacuateContractors(Sallyport, Requests.Balad, 1830, null, "threats to foreign personnel", Instant.FromUtc(2020, 1, 5, 0, 0))),
            await SendAsync(new ReturnContractors(Sallyport, Requests.Balad, 26, Instant.FromUtc(2020, 9, 1, 0, 0))),
            await SendAsync(new ReportContractorCasualties(Sallyport, Requests.Balad, 0, 1, Attack)),
        };

        outcomes.ShouldAllBe(o => o.Accepted && o.StreamId == Sallyport && o.EventsAppended == 1);
        outcomes.Select(o => o.Version).ShouldBe([1L, 2, 3, 4, 5]);
        await using var session = Host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(Sallyport);
        events.Select(e => e.EventTypeName).ShouldBe(
            ["contractor_engaged", "contractors_deployed", "contractors_evacuated", "contractors_returned", "contractor_casualties_reported"]);
        events.ShouldAllBe(e => e.UserName == "sallyport-feed");
        Headcount.OfSite(events.Select(e => e.Data), Requests.Balad, Attack).Contractors.ShouldBe(46);
    }

    [Fact]
    public async Task an_unknown_base_is_not_found_and_nothing_is_written()
    {
        await EngagedAndDeployedAsync(46);
        var unregistered = Guid.NewGuid();

        var outcomes = new[]
        {
            await SendAsync(new DeployContractors(Sallyport, unregistered, 5, Attack)),
            await SendAsync(new EvacuateContractors(Sallyport, unregistered, 5, null, "rockets", Attack)),
            await SendAsync(new ReturnContractors(Sallyport, unregistered, 5, Attack)),
            await SendAsync(new ReportContractorCasualties(Sallyport, unregistered, 0, 1, Attack)),
        };

        outcomes.ShouldAllBe(o => !o.Accepted && o.Rejection!.Kind == RejectionKind.NotFound && o.Rejection.Reason.Contains(unregistered.ToString()));
        (await Host.EventCountAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task an_unknown_contractor_is_not_found_and_nothing_is_written()
    {
        var outcome = await SendAsync(new DeployContractors(Sallyport, Requests.Balad, 5, Attack));

        outcome.Rejection.ShouldNotBeNull().Kind.ShouldBe(RejectionKind.NotFound);
        outcome.Rejection.Reason.ShouldContain("no contractor");
        (await Host.EventCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task evacuating_more_than_are_there_is_a_conflict_and_nothing_is_written()
    {
        await EngagedAndDeployedAsync(46);

        var outcome = await SendAsync(new EvacuateContractors(Sallyport, Requests.Balad, 47, "Erbil", "rockets", Attack));

        outcome.Rejection.ShouldNotBeNull().Kind.ShouldBe(RejectionKind.Conflict);
        (await Host.EventCountAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task a_malformed_command_names_every_bad_field_and_nothing_is_written()
    {
        var outcome = await SendAsync(new EngageContractor(Guid.Empty, "", "Iraqi F-16 programme", PostureHost.Now + Duration.FromSeconds(1)));

        var rejection = outcome.Rejection.ShouldNotBeNull();
        rejection.Kind.ShouldBe(RejectionKind.Invalid);
        rejection.Problems.Select(p => p.Field).ShouldBe(["id", "company", "engagedAt"], ignoreOrder: true);
        (await Host.EventCountAsync()).ShouldBe(1);
    }
}
