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
    public void a_registered_site_starts_at_the_first_version_of_its_base()
    {
        var site = Fold(Registered).ShouldNotBeNull();
        site.Name.ShouldBe("Balad Air Base");
        site.Region.ShouldBe("Salah al-Din");
        site.BaseVersion.ShouldBe(1);
    }

    [Fact]
    public void incidents_corrections_and_retractions_move_the_version_on_and_leave_nothing_else_in_the_document()
    {
        var attacks = Enumerable.Range(1, 200).Select(i => Attack(Instant.FromUtc(2021, 2, 1, 0, 0) + Duration.FromHours(i))).ToList();
        object[] corrections = [new IncidentCorrected(Balad, attacks[0].IncidentId, attacks[0].Report with { Rounds = 9 }, "nine"),
            new IncidentRetracted(Balad, attacks[1].IncidentId, "did not happen")];

        var site = Fold([Registered, .. attacks, .. corrections]).ShouldNotBeNull();

        site.ShouldBe(Fold(Registered)! with { BaseVersion = 1 + 200 + 2 });
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
