using Posture.Cli.Demo;
using Posture.Domain.Bases;

namespace Posture.IntegrationTests.Cli;

/// <summary>Help, refusals of a bad command line, and the demo's data file: no database needed.</summary>
public sealed class the_command_line
{
    private static readonly Dictionary<string, string?> NoConfiguration = new();

    [Fact]
    public async Task help_lists_every_command_with_examples()
    {
        var run = await CliRun.RunAsync(NoConfiguration, "--help");
        run.ExitCode.ShouldBe(0);
        run.Output.ShouldContain("demo");
        run.Output.ShouldContain("sites");
        run.Output.ShouldContain("serve");
        run.Output.ShouldContain("import");
        run.Output.ShouldContain("posture import acled-iraq-2021.csv --radius-km 25 --report rejected.csv");
        run.Output.ShouldContain("posture sites --format json");
    }

    [Fact]
    public async Task an_unknown_option_is_one_line_naming_it_and_exit_code_2()
    {
        var run = await CliRun.RunAsync(NoConfiguration, "demo", "--bogus");
        run.ShouldBeOneLineUsageError("bogus");
    }

    [Fact]
    public async Task a_bad_format_is_refused_before_anything_starts()
    {
        var run = await CliRun.RunAsync(NoConfiguration, "sites", "--format", "xml");
        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("--format must be table or json");
    }

    [Fact]
    public async Task missing_postgres_programs_are_one_line_naming_what_to_do_and_exit_code_2()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("POSTURE_DB") is not null, "POSTURE_DB is set for this run and takes precedence");
        var root = Path.Combine(Path.GetTempPath(), $"posture-nobin-{Guid.NewGuid():N}");
        try
        {
            var run = await CliRun.RunAsync(
                new Dictionary<string, string?> { ["Posture:PostgresBin"] = "/nonexistent/postgresql/bin" }, "demo", "--data-dir", root);

            run.ExitCode.ShouldBe(2);
            run.Error.Trim().Split('\n').Length.ShouldBe(1);
            run.Error.ShouldStartWith("posture: ");
            run.Error.ShouldContain("apt-get install postgresql");
            run.Output.ShouldBeEmpty();
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Fact]
    public void every_figure_in_the_demo_data_is_marked_reported_or_illustrative()
    {
        var steps = DemoScript.Load().Steps;
        steps.Count.ShouldBeGreaterThanOrEqualTo(13);
        foreach (var step in steps)
        {
            var marked = step.Reported.Concat(step.Illustrative).Select(f => f.Split(' ')[0]).ToHashSet();
            var fields = step.Command.GetType().GetProperties()
                .SelectMany(p => p.PropertyType == typeof(IncidentReport) ? p.PropertyType.GetProperties() : [p])
                .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..])
                .Where(name => !name.EndsWith("Id", StringComparison.Ordinal) && name != "report")
                .ToList();
            fields.Where(f => !marked.Contains(f)).ShouldBeEmpty($"unmarked fields in '{step.Title}'");
            marked.Where(f => !fields.Contains(f)).ShouldBeEmpty($"marks for fields that do not exist in '{step.Title}'");
        }
    }

    [Fact]
    public void the_demo_holds_the_seed_storys_attack_on_balad()
    {
        var attack = DemoScript.Load().Steps.Select(s => s.Command).OfType<RecordIncident>()
            .Single(a => a.Report.OccurredAt.InUtc().Date == new NodaTime.LocalDate(2021, 2, 20));
        attack.BaseId.ShouldBe(DemoCommand.Balad);
        attack.Kind.ShouldBe(IncidentKind.Rocket);
        attack.Report.Rounds.ShouldBe(4);
        attack.Report.Injured.ShouldBe(1);
        attack.Report.Impact.ShouldBe(Impact.OpenArea);
        attack.Report.CasualtiesAffiliation.ShouldBe(Affiliation.Contractor);
        attack.Report.Attribution.ShouldBe(Attribution.Unknown);
    }
}
