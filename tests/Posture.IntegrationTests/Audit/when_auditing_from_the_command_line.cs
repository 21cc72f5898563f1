using System.Text.Json;
using Marten;
using NodaTime;
using Posture.Cli.Demo;
using Posture.Domain.Bases;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Cli;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// <c>posture audit</c> on the seed story: the posture at a moment, who recorded what drives it, what was recorded
/// later that changed it, and the what-if timeline.
/// </summary>
public sealed class when_auditing_from_the_command_line(TestPostgres postgres)
{
    /// <summary>The evening of the 20 February 2021 attack on Balad.</summary>
    private const string T = "2021-02-20T18:00:00Z";

    private async Task<Dictionary<string, string?>> DemoAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_audit");
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString, ["Posture:Cli:User"] = "demo-officer" };
        var demo = await CliRun.RunAsync(configuration, "demo");
        demo.ExitCode.ShouldBe(0, demo.Error);
        return configuration;
    }

    private static async Task<JsonElement> JsonAsync(Dictionary<string, string?> configuration, params string[] args)
    {
        var run = await CliRun.RunAsync(configuration, ["audit", .. args, "--format", "json"]);
        run.ExitCode.ShouldBe(0, run.Error);
        return JsonDocument.Parse(run.Output).RootElement.Clone();
    }

    [Fact]
    public async Task the_text_report_states_the_level_contributions_and_who_recorded_them()
    {
        var configuration = await DemoAsync();

        var run = await CliRun.RunAsync(configuration, "audit", "--site", "Balad Air Base", "--at", T);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldContain("Balad Air Base");
        run.Output.ShouldContain("level      significant");
        run.Output.ShouldContain("rocket 2021-02-20T17:30:00Z");
        run.Output.ShouldContain("rocket_attack_occurred");
        run.Output.ShouldContain("by demo-officer");
        run.Output.ShouldContain("Sallyport");
        // Everything was recorded long after the moment; the evacuation is one of the records that changed it.
        run.Output.ShouldContain("contractors_evacuated");
        run.Output.ShouldContain("headcount 1850 -> 46");
    }

    [Fact]
    public async Task the_json_report_carries_the_same_answer_as_the_api_would()
    {
        var configuration = await DemoAsync();

        var report = await JsonAsync(configuration, "--site", DemoCommand.Balad.ToString(), "--at", T);

        report.GetProperty("level").GetString().ShouldBe("significant");
        report.GetProperty("headcount").GetInt32().ShouldBe(46);
        report.GetProperty("headcountByOrganisation").EnumerateArray().Single().GetProperty("organisation").GetString().ShouldBe("Sallyport");
        var contributions = report.GetProperty("contributions").EnumerateArray().ToList();
        contributions.Sum(c => c.GetProperty("contribution").GetDouble()).ShouldBe(report.GetProperty("score").GetDouble(), tolerance: 1e-3);
        var recent = contributions.Single(c => c.GetProperty("occurredAt").GetString() == "2021-02-20T17:30:00Z");
        var recorded = recent.GetProperty("recordedBy").EnumerateArray().Single();
        recorded.GetProperty("type").GetString().ShouldBe("rocket_attack_occurred");
        recorded.GetProperty("user").GetString().ShouldBe("demo-officer");
    }

    [Fact]
    public async Task a_late_report_is_listed_as_recorded_after_known_at_and_the_markdown_goes_to_a_file()
    {
        var configuration = await DemoAsync();
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, configuration["ConnectionStrings:Posture"]!));
        string knownAt;
        await using (var query = store.QuerySession())
        {
            var last = await query.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).FirstAsync();
            knownAt = NodaTime.Text.InstantPattern.ExtendedIso.Format(Instant.FromDateTimeOffset(last.Timestamp));
        }

        await using (var session = store.LightweightSession())
        {
            session.LastModifiedBy = "late.reporter";
            session.Events.Append(DemoCommand.Balad, new RocketAttackOccurred(DemoCommand.Balad, Guid.NewGuid(), new IncidentReport(
                Instant.FromUtc(2021, 2, 20, 12, 0), TimePrecision.Hour, 3, Impact.Inside, 0, 2, Affiliation.HostNationMilitary,
                Attribution.Unknown, null, "a late liaison report", Confidence.Probable, null)));
            await session.SaveChangesAsync();
        }

        var report = await JsonAsync(configuration, "--site", "balad air base", "--at", T, "--known-at", knownAt);

        var change = report.GetProperty("changes").EnumerateArray().Single();
        change.GetProperty("type").GetString().ShouldBe("rocket_attack_occurred");
        change.GetProperty("user").GetString().ShouldBe("late.reporter");
        change.GetProperty("occurredAt").GetString().ShouldBe("2021-02-20T12:00:00Z");
        change.GetProperty("scoreAfter").GetDouble().ShouldBeGreaterThan(change.GetProperty("scoreBefore").GetDouble());
        report.GetProperty("now").GetProperty("score").GetDouble().ShouldBeGreaterThan(report.GetProperty("score").GetDouble());
        report.GetProperty("contributions").EnumerateArray().ShouldNotContain(c => c.GetProperty("occurredAt").GetString() == "2021-02-20T12:00:00Z");

        var file = Path.Combine(Path.GetTempPath(), $"posture-audit-{Guid.NewGuid():N}.md");
        try
        {
            var md = await CliRun.RunAsync(configuration, "audit", "--site", "Balad Air Base", "--at", T, "--known-at", knownAt, "--format", "md", "--out", file);
            md.ExitCode.ShouldBe(0, md.Error);
            var text = await File.ReadAllTextAsync(file);
            text.ShouldStartWith("# Audit: Balad Air Base at 2021-02-20T18:00:00Z");
            text.ShouldContain("| rocket_attack_occurred #");
            text.ShouldContain("| late.reporter |");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task a_retraction_recorded_after_known_at_is_listed_and_lowers_the_answer_now()
    {
        var configuration = await DemoAsync();
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, configuration["ConnectionStrings:Posture"]!));
        Guid incident;
        string knownAt;
        await using (var query = store.QuerySession())
        {
            var events = await query.Events.FetchStreamAsync(DemoCommand.Balad);
            incident = events.Select(e => e.Data).OfType<RocketAttackOccurred>().Single(e => e.Report.OccurredAt == Instant.FromUtc(2021, 2, 20, 17, 30)).IncidentId;
            var last = await query.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).FirstAsync();
            knownAt = NodaTime.Text.InstantPattern.ExtendedIso.Format(Instant.FromDateTimeOffset(last.Timestamp));
        }

        await using (var session = store.LightweightSession())
        {
            session.LastModifiedBy = "balad.analyst";
            session.Events.Append(DemoCommand.Balad, new IncidentRetracted(DemoCommand.Balad, incident, "a duplicate of another report"));
            await session.SaveChangesAsync();
        }

        var report = await JsonAsync(configuration, "--site", "Balad Air Base", "--at", T, "--known-at", knownAt);

        report.GetProperty("level").GetString().ShouldBe("significant");
        var change = report.GetProperty("changes").EnumerateArray().Single();
        change.GetProperty("type").GetString().ShouldBe("incident_retracted");
        change.GetProperty("user").GetString().ShouldBe("balad.analyst");
        change.GetProperty("levelAfter").GetString().ShouldBe("low");
        report.GetProperty("now").GetProperty("level").GetString().ShouldBe("low");
    }

    [Fact]
    public async Task an_unknown_site_is_one_line_on_stderr_and_exit_2()
    {
        var configuration = await DemoAsync();

        var run = await CliRun.RunAsync(configuration, "audit", "--site", "Camp Nowhere", "--at", T);

        run.ShouldBeOneLineUsageError("Camp Nowhere");
        run.Output.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_longer_half_life_keeps_the_level_up_longer_in_the_what_if_timeline()
    {
        var configuration = await DemoAsync();

        var timeline = await JsonAsync(configuration,
            "--site", "Balad Air Base", "--from", T, "--to", "2021-05-20T18:00:00Z", "--what-if", "half-life=90d");

        var days = timeline.GetProperty("days").EnumerateArray().ToList();
        days.Count.ShouldBe(90);
        days[0].GetProperty("live").GetString().ShouldBe("significant");
        days.Skip(1).ShouldAllBe(d => d.GetProperty("alternativeScore").GetDouble() > d.GetProperty("liveScore").GetDouble());
        var differences = timeline.GetProperty("differences").EnumerateArray().ToList();
        differences.ShouldNotBeEmpty();
        differences.ShouldAllBe(d => d.GetProperty("live").GetString() != d.GetProperty("alternative").GetString());

        var text = await CliRun.RunAsync(configuration,
            "audit", "--site", "Balad Air Base", "--from", T, "--to", "2021-05-20T18:00:00Z", "--what-if", "half-life=90d");
        text.ExitCode.ShouldBe(0, text.Error);
        text.Output.ShouldContain("<- differs");
        text.Output.ShouldContain($"{differences.Count} day(s) where the level differs");
        timeline.GetProperty("alternativeHalfLifeDays").GetDouble().ShouldBe(90);
    }

    [Fact]
    public async Task a_bad_what_if_is_a_usage_error()
    {
        var run = await CliRun.RunAsync(new Dictionary<string, string?>(),
            "audit", "--site", "Balad Air Base", "--from", T, "--to", "2021-05-20T18:00:00Z", "--what-if", "half-life=-3d");

        run.ShouldBeOneLineUsageError("halfLife");
    }
}
