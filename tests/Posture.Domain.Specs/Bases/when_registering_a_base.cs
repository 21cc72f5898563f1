using Posture.Domain.Bases;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Bases;

public sealed class when_registering_a_base : BaseSpecs
{
    private static RegisterBase Command(string name = "Balad Air Base", double latitude = 33.9333, double longitude = 44.3667) =>
        new(Balad, name, "Iraq", "Salah al-Din", latitude, longitude);

    [Fact]
    public void a_new_base_is_registered_at_now() =>
        ThenEvents(
            BaseDecider.Decide(Command(), Given(), Now),
            new BaseRegistered(Balad, "Balad Air Base", "Iraq", "Salah al-Din", 33.9333, 44.3667, Now));

    [Fact]
    public void surrounding_whitespace_is_not_recorded()
    {
        var decision = BaseDecider.Decide(Command(name: "  Balad Air Base  "), Given(), Now);
        decision.Events.OfType<BaseRegistered>().Single().Name.ShouldBe("Balad Air Base");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void an_empty_name_is_refused(string name) =>
        ThenInvalid(BaseDecider.Decide(Command(name: name), Given(), Now), "name");

    [Fact]
    public void a_name_longer_than_the_limit_is_refused() =>
        ThenInvalid(BaseDecider.Decide(Command(name: new string('x', Limits.ShortText + 1)), Given(), Now), "name");

    [Theory]
    [InlineData(90.0001)]
    [InlineData(-90.5)]
    [InlineData(double.NaN)]
    public void a_latitude_off_the_globe_is_refused(double latitude) =>
        ThenInvalid(BaseDecider.Decide(Command(latitude: latitude), Given(), Now), "latitude");

    [Theory]
    [InlineData(180.01)]
    [InlineData(-181)]
    public void a_longitude_off_the_globe_is_refused(double longitude) =>
        ThenInvalid(BaseDecider.Decide(Command(longitude: longitude), Given(), Now), "longitude");

    [Fact]
    public void every_bad_field_is_named_at_once() =>
        ThenInvalid(
            BaseDecider.Decide(new RegisterBase(Guid.Empty, "", " ", "", 91, 181), Given(), Now),
            "id", "name", "country", "region", "latitude", "longitude");

    [Fact]
    public void registering_the_same_id_twice_is_a_conflict()
    {
        var rejection = ThenRefused(BaseDecider.Decide(Command(), Given(BaladRegistered), Now), RejectionKind.Conflict);
        rejection.Reason.ShouldContain("already registered");
    }
}
