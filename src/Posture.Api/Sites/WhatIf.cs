using System.Globalization;
using NodaTime;
using Posture.Domain.Threats;

namespace Posture.Api.Sites;

/// <summary>
/// A what-if: the configured threat constants with some replaced by the query (<c>halfLifeDays</c>,
/// <c>nearbyRadiusKm</c>, <c>nearbyWeight</c>). Only the answer changes; history and the configuration do not.
/// </summary>
public static class WhatIf
{
    /// <summary>The options to score with, or null when none was given; a bad value is a problem in <paramref name="query"/>.</summary>
    public static ThreatOptions? Read(QueryParameters query, ThreatOptions configured, string? halfLifeDays, string? nearbyRadiusKm, string? nearbyWeight)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(configured);
        var halfLife = Number(query, halfLifeDays, "halfLifeDays");
        var radius = Number(query, nearbyRadiusKm, "nearbyRadiusKm");
        var weight = Number(query, nearbyWeight, "nearbyWeight");
        if (halfLife is null && radius is null && weight is null)
        {
            return null;
        }

        var options = configured;
        if (halfLife is { } days)
        {
            // Duration.FromDays throws far outside any sensible range; such a value is as bad as a negative one.
            options = options with { HalfLife = double.IsFinite(days) && Math.Abs(days) < 1e6 ? Duration.FromDays(days) : Duration.Zero };
        }

        options = options with { NearbyRadiusKm = radius ?? options.NearbyRadiusKm, NearbyWeight = weight ?? options.NearbyWeight };
        foreach (var problem in options.Validate())
        {
            query.Require(false, problem.Field switch { "halfLife" => "halfLifeDays", var f => f }, problem.Problem);
        }

        return options;
    }

    private static double? Number(QueryParameters query, string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        query.Require(false, name, $"'{text}' is not a number");
        return null;
    }
}
