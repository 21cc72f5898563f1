using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Posture.Domain.Bases;
using Posture.Domain.Contractors;
using Posture.Domain.Missions;
using Posture.Infrastructure.Json;

namespace Posture.Cli.Demo;

/// <summary>One step of the seed story: a command, and which of its fields are reported and which illustrative.</summary>
public sealed record DemoStep(string Kind, string Title, object Command, IReadOnlyList<string> Reported, IReadOnlyList<string> Illustrative);

/// <summary>A moment of the story at which the demo shows the site table.</summary>
public sealed record DemoMoment(NodaTime.Instant At, string Label);

/// <summary>The seed story: its steps in order, and the moments worth looking at.</summary>
public sealed record DemoStory(IReadOnlyList<DemoStep> Steps, IReadOnlyList<DemoMoment> Moments);

/// <summary>Reads the seed story's data file (shipped inside the CLI) into the commands the demo sends.</summary>
public static class DemoScript
{
    private static readonly Dictionary<string, Type> CommandTypes = new(StringComparer.Ordinal)
    {
        ["register-base"] = typeof(RegisterBase),
        ["record-incident"] = typeof(RecordIncident),
        ["engage-contractor"] = typeof(EngageContractor),
        ["deploy-contractors"] = typeof(DeployContractors),
        ["evacuate-contractors"] = typeof(EvacuateContractors),
        ["report-contractor-casualties"] = typeof(ReportContractorCasualties),
        ["launch-mission"] = typeof(LaunchMission),
        ["assign-mission-personnel"] = typeof(AssignMissionPersonnel),
        ["expand-mission"] = typeof(ExpandMission),
    };

    private sealed record StepData(string Kind, string Title, JsonElement Command, string[] Reported, string[] Illustrative);

    private sealed record ScriptData(string About, StepData[] Steps, DemoMoment[] Moments);

    public static DemoStory Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Posture.Cli.Demo.seed-story.json")
                           ?? throw new InvalidOperationException("The seed story's data file is missing from the CLI assembly.");
        return Parse(stream);
    }

    public static DemoStory Parse(Stream json)
    {
        var options = PostureJson.Create();
        // A typo in the data file must fail loudly, not drop a figure.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        var script = JsonSerializer.Deserialize<ScriptData>(json, options)
                     ?? throw new InvalidDataException("The seed story's data file is empty.");
        var steps = script.Steps.Select(step =>
        {
            var type = CommandTypes.GetValueOrDefault(step.Kind)
                       ?? throw new InvalidDataException($"Step '{step.Title}' has kind '{step.Kind}', which the demo does not know.");
            var command = step.Command.Deserialize(type, options)
                          ?? throw new InvalidDataException($"Step '{step.Title}' has no command.");
            return new DemoStep(step.Kind, step.Title, command, step.Reported, step.Illustrative);
        }).ToList();
        return new DemoStory(steps, script.Moments);
    }
}
