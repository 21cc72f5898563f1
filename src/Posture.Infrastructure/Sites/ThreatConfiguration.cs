using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Posture.Domain.Threats;
using Posture.Infrastructure.Storage;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// The scoring constants a deployment may change (section <c>Posture:Threat</c>): HalfLifeDays, NearbyRadiusKm,
/// NearbyWeight, and the level thresholds Moderate, Significant, High, Critical. Anything left out keeps the default
/// documented in docs/threat-model.md. Changing them changes answers, never history.
/// </summary>
public static class ThreatConfiguration
{
    public static ThreatOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Posture:Threat");
        var defaults = ThreatOptions.Default;
        var options = defaults with
        {
            HalfLife = Number(section, "HalfLifeDays") is { } days ? Duration.FromTicks((long)(days * NodaConstants.TicksPerDay)) : defaults.HalfLife,
            NearbyRadiusKm = Number(section, "NearbyRadiusKm") ?? defaults.NearbyRadiusKm,
            NearbyWeight = Number(section, "NearbyWeight") ?? defaults.NearbyWeight,
            Thresholds = defaults.Thresholds with
            {
                Moderate = Number(section, "Moderate") ?? defaults.Thresholds.Moderate,
                Significant = Number(section, "Significant") ?? defaults.Thresholds.Significant,
                High = Number(section, "High") ?? defaults.Thresholds.High,
                Critical = Number(section, "Critical") ?? defaults.Thresholds.Critical,
            },
        };
        var problems = options.Validate();
        return problems.Count == 0
            ? options
            : throw new PostureStartupException(
                "The threat options in Posture:Threat are not valid: " + string.Join("; ", problems.Select(p => $"{p.Field} {p.Problem}")));
    }

    private static double? Number(IConfigurationSection section, string key)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new PostureStartupException($"Posture:Threat:{key} is '{text}', which is not a number.");
    }
}
