namespace Posture.Domain.Threats;

/// <summary>Distances over the Earth's surface, for deciding which incidents are near a site.</summary>
public static class GeoDistance
{
    /// <summary>The mean Earth radius (IUGG), in kilometres.</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>
    /// The great-circle distance between two points given in degrees, by the haversine formula on a sphere of the mean
    /// Earth radius: within about 0.5% of the ellipsoidal distance, far finer than a 50 km radius needs.
    /// </summary>
    public static double Kilometres(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        var dLatitude = Radians(latitude2 - latitude1);
        var dLongitude = Radians(longitude2 - longitude1);
        var h = Square(Math.Sin(dLatitude / 2))
                + Math.Cos(Radians(latitude1)) * Math.Cos(Radians(latitude2)) * Square(Math.Sin(dLongitude / 2));
        // Rounding can carry h a hair past 1 for antipodal points; asin is undefined there.
        return 2 * EarthRadiusKm * Math.Asin(Math.Sqrt(Math.Clamp(h, 0, 1)));
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;

    private static double Square(double x) => x * x;
}
