using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Sites;

namespace Posture.Domain.Specs.Sites;

public sealed class when_a_site_posture_is_built
{
    private static readonly Guid Balad = Guid.NewGuid();
    private static readonly BaseRegistered Registered = new(Balad, "Balad Air Base", "Iraq", "Salah al-Din", 33.9333, 44.3667, Instant.FromUtc(2021, 2, 1, 0, 0));

    private static RocketAttackOccurred Attack(Instant at) =>
        new(Balad, Guid.NewGuid(), new IncidentReport(at, TimePrecision.Exact, 4, Impact.Perimeter, 0, 1, null, Attribution.Unknown, null, "AP", Confidence.Probable, null));

    private static SitePosture? Fold(params object[] history) => history.Aggregate((SitePosture?)null, SitePosture.Evolve);

    [Fact]
    public void a_registered_site_has_no_incidents_yet()
    {
        var site = Fold(Registered).ShouldNotBeNull();
        site.Name.ShouldBe("Balad Air Base");
        site.Region.ShouldBe("Salah al-Din");
        site.IncidentCount.ShouldBe(0);
        site.LastIncidentAt.ShouldBeNull();
    }

    [Fact]
    public void each_attack_is_counted_and_the_latest_remembered()
    {
        var january2020 = Instant.FromUtc(2020, 1, 12, 17, 0);
        var february2021 = Instant.FromUtc(2021, 2, 20, 17, 30);
        var site = Fold(Registered, Attack(january2020), Attack(february2021)).ShouldNotBeNull();
        site.IncidentCount.ShouldBe(2);
        site.LastIncidentAt.ShouldBe(february2021);
    }

    [Fact]
    public void a_late_report_of_an_older_attack_does_not_move_the_last_incident_back()
    {
        var february2021 = Instant.FromUtc(2021, 2, 20, 17, 30);
        var site = Fold(Registered, Attack(february2021), Attack(Instant.FromUtc(2020, 1, 12, 17, 0))).ShouldNotBeNull();
        site.IncidentCount.ShouldBe(2);
        site.LastIncidentAt.ShouldBe(february2021);
    }

    [Fact]
    public void an_attack_before_registration_builds_nothing() =>
        Fold(Attack(Instant.FromUtc(2021, 2, 20, 17, 30))).ShouldBeNull();
}

/// <summary>The same people history gives the same site document whatever order its events are folded in.</summary>
public sealed class when_people_changes_are_folded_out_of_order
{
    private static readonly Guid Balad = Guid.NewGuid();
    private static readonly Guid Sallyport = Guid.NewGuid();
    private static readonly BaseRegistered Registered = new(Balad, "Balad Air Base", "Iraq", "Salah al-Din", 33.9333, 44.3667, Instant.FromUtc(2018, 1, 1, 0, 0));

    [Fact]
    public void the_changes_are_kept_in_world_time_order()
    {
        object[] movements =
        [
            new Posture.Domain.Contractors.ContractorsDeployed(Sallyport, Balad, 1850, Instant.FromUtc(2018, 1, 2, 0, 0)),
            new Posture.Domain.Contractors.ContractorsEvacuated(Sallyport, Balad, 1804, null, "rockets", Instant.FromUtc(2020, 1, 5, 12, 0)),
            new Posture.Domain.Contractors.ContractorsDeployed(Sallyport, Balad, 10, Instant.FromUtc(2020, 1, 5, 21, 0)),
        ];

        var inOrder = movements.Prepend(Registered).Aggregate((SitePosture?)null, SitePosture.Evolve)!;
        var reversed = movements.Reverse().Prepend(Registered).Aggregate((SitePosture?)null, SitePosture.Evolve)!;

        reversed.PeopleChanges.ShouldBe(inOrder.PeopleChanges);
        inOrder.PeopleChanges.Select(c => c.At).ShouldBeInOrder();
    }
}
