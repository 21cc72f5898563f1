namespace Posture.Domain.Specs.Common;

/// <summary>The seed story's ids, one Guid per thing in every spec (sites, companies, the mission).</summary>
public static class Story
{
    public static readonly Guid Balad = Guid.Parse("0b1ad000-0000-4000-8000-000000000001");
    public static readonly Guid Erbil = Guid.Parse("0e4b1100-0000-4000-8000-000000000002");
    public static readonly Guid BaghdadHq = Guid.Parse("0ba9dad0-0000-4000-8000-000000000003");

    /// <summary>A site no Base stream knows; handlers pass <c>siteKnown: false</c> for it.</summary>
    public static readonly Guid Unregistered = Guid.Parse("00000000-0000-4000-8000-0000000000ff");

    public static readonly Guid Sallyport = Guid.Parse("5a11e000-0000-4000-8000-000000000001");
    public static readonly Guid LockheedMartin = Guid.Parse("10c1ee00-0000-4000-8000-000000000002");
    public static readonly Guid NatoMissionIraq = Guid.Parse("0a700000-0000-4000-8000-000000000001");
}
