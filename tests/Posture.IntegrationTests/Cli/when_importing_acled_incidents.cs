using Marten;
using Npgsql;
using Posture.Cli.Demo;
using Posture.Cli.Import;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Cli;

/// <summary>
/// <c>posture import</c> of tests/…/Cli/acled-sample.csv after the demo has registered Balad, Erbil and the NATO HQ in
/// Baghdad. The sample's 17 rows: 8 attacks near a site, 4 skipped (Basra and Mosul too far, a protest, a month's
/// precision), 5 rejected (a 31 February, no latitude, a date after the clock, a short row, a stray quote).
/// </summary>
public sealed class when_importing_acled_incidents(TestPostgres postgres)
{
    private static readonly Guid Erbil = Guid.Parse("e4b11000-0000-4000-8000-000000000002");
    private static readonly Guid NatoHq = Guid.Parse("0ba9dad0-0000-4000-8000-000000000003");
    private static readonly string Sample = Path.Combine(AppContext.BaseDirectory, "Cli", "acled-sample.csv");
    private static readonly Dictionary<string, string?> NoConfiguration = new();

    private async Task<Dictionary<string, string?>> SitesRegisteredAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_import");
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString, ["Posture:Cli:User"] = "import-officer" };
        var demo = await CliRun.RunAsync(configuration, "demo");
        demo.ExitCode.ShouldBe(0, demo.Error);
        return configuration;
    }

    private static async Task<long> IncidentEventsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {PostureStore.Schema}.mt_events where type not in ('threat_level_changed', 'base_registered')", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task attacks_near_a_site_are_recorded_there_once_however_often_the_file_is_imported()
    {
        var configuration = await SitesRegisteredAsync();
        var connectionString = configuration["ConnectionStrings:Posture"]!;
        var before = await IncidentEventsAsync(connectionString);

        var first = await CliRun.RunAsync(configuration, "import", Sample);

        first.ExitCode.ShouldBe(1, first.Error);
        first.Output.ShouldContain("imported 8, already imported 0, skipped 4, rejected 5");
        first.Output.ShouldNotContain("Importing acled-sample.csv", Case.Sensitive, "no progress bar when the output is not a terminal");
        first.Output.ShouldContain("line 10 (IRQ90009): event_date '2021-02-31' is not a date in the form yyyy-MM-dd");
        first.Output.ShouldContain("line 12 (IRQ90011): refused at Balad Air Base: occurredAt: must not be in the future");
        (await IncidentEventsAsync(connectionString)).ShouldBe(before + 8);

        await using (var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString)))
        await using (var session = store.QuerySession())
        {
            async Task<IncidentLogEntry> Incident(string eventId) =>
                (await session.LoadAsync<IncidentLogEntry>(AcledRows.IncidentIdOf(eventId))).ShouldNotBeNull(eventId);

            var erbilRockets = await Incident("IRQ90001");
            erbilRockets.SiteId.ShouldBe(Erbil);
            erbilRockets.Kind.ShouldBe(IncidentKind.Rocket);
            erbilRockets.Report.OccurredAt.ShouldBe(NodaTime.Instant.FromUtc(2021, 2, 15, 12, 0));
            erbilRockets.Report.Precision.ShouldBe(TimePrecision.Day);
            erbilRockets.Report.Killed.ShouldBe(1);
            erbilRockets.Report.Injured.ShouldBe(0);
            erbilRockets.Report.Impact.ShouldBe(Impact.Perimeter);
            erbilRockets.Report.Confidence.ShouldBe(Confidence.Probable);
            erbilRockets.Report.Source.ShouldBe("Rudaw; Kurdistan 24");
            erbilRockets.Report.Attribution.ShouldBe(Attribution.Suspected);
            erbilRockets.Report.AttributedTo.ShouldBe("Awliya al-Dam");
            (await Incident("IRQ90002")).ShouldSatisfyAllConditions(
                i => i.SiteId.ShouldBe(DemoCommand.Balad), i => i.Kind.ShouldBe(IncidentKind.Rocket), i => i.Report.Attribution.ShouldBe(Attribution.Unknown));
            (await Incident("IRQ90003")).ShouldSatisfyAllConditions(i => i.SiteId.ShouldBe(Erbil), i => i.Kind.ShouldBe(IncidentKind.Drone));
            (await Incident("IRQ90004")).ShouldSatisfyAllConditions(
                i => i.SiteId.ShouldBe(DemoCommand.Balad), i => i.Kind.ShouldBe(IncidentKind.Ied), i => i.Report.Killed.ShouldBe(2));
            (await Incident("IRQ90005")).ShouldSatisfyAllConditions(i => i.SiteId.ShouldBe(DemoCommand.Balad), i => i.Kind.ShouldBe(IncidentKind.SmallArms));
            (await Incident("IRQ90006")).ShouldSatisfyAllConditions(i => i.SiteId.ShouldBe(Erbil), i => i.Kind.ShouldBe(IncidentKind.SmallArms));
            (await Incident("IRQ90015")).ShouldSatisfyAllConditions(i => i.SiteId.ShouldBe(NatoHq), i => i.Kind.ShouldBe(IncidentKind.Ied));
            (await Incident("IRQ90017")).ShouldSatisfyAllConditions(i => i.SiteId.ShouldBe(DemoCommand.Balad), i => i.Kind.ShouldBe(IncidentKind.SmallArms));
            (await session.LoadAsync<IncidentLogEntry>(AcledRows.IncidentIdOf("IRQ90007"))).ShouldBeNull("Basra is far from every site");

            // The demo's own incidents (two at Balad, one at Erbil) and the imported ones.
            (await session.Query<IncidentLogEntry>().CountAsync(i => i.SiteId == DemoCommand.Balad)).ShouldBe(2 + 4);
            (await session.Query<IncidentLogEntry>().CountAsync(i => i.SiteId == Erbil)).ShouldBe(1 + 3);
            (await session.Query<IncidentLogEntry>().CountAsync(i => i.SiteId == NatoHq)).ShouldBe(1);
        }

        var second = await CliRun.RunAsync(configuration, "import", Sample);

        second.ExitCode.ShouldBe(1, second.Error);
        second.Output.ShouldContain("imported 0, already imported 8, skipped 4, rejected 5");
        (await IncidentEventsAsync(connectionString)).ShouldBe(before + 8);
    }

    [Fact]
    public async Task another_user_importing_on_a_terminal_sees_progress_and_records_nothing_twice()
    {
        var configuration = await SitesRegisteredAsync();
        (await CliRun.RunAsync(configuration, "import", Sample)).ExitCode.ShouldBe(1);
        var before = await IncidentEventsAsync(configuration["ConnectionStrings:Posture"]!);

        // The incident ids, derived from event_id_cnty, are the same whoever imports.
        var other = await CliRun.RunOnATerminalAsync(new Dictionary<string, string?>(configuration) { ["Posture:Cli:User"] = "second-officer" }, "import", Sample);

        other.Output.ShouldContain("Importing acled-sample.csv");
        other.Output.ShouldContain("100%");
        other.Output.ShouldContain("imported 0, already imported 8");
        (await IncidentEventsAsync(configuration["ConnectionStrings:Posture"]!)).ShouldBe(before);
    }

    [Fact]
    public async Task a_row_acled_revised_since_it_was_imported_is_rejected_not_recorded_again()
    {
        var configuration = await SitesRegisteredAsync();
        (await CliRun.RunAsync(configuration, "import", Sample)).ExitCode.ShouldBe(1);
        var before = await IncidentEventsAsync(configuration["ConnectionStrings:Posture"]!);
        var revised = Path.Combine(Path.GetTempPath(), $"posture-import-{Guid.NewGuid():N}.csv");
        var sample = await File.ReadAllLinesAsync(Sample);
        await File.WriteAllLinesAsync(revised, [sample[0], sample[1].Replace("Rudaw; Kurdistan 24", "Rudaw; Kurdistan 24; AFP", StringComparison.Ordinal)]);
        try
        {
            var run = await CliRun.RunAsync(configuration, "import", revised);

            run.ExitCode.ShouldBe(1);
            run.Output.ShouldContain("imported 0, already imported 0, skipped 0, rejected 1");
            run.Output.ShouldContain("line 2 (IRQ90001): imported before with other values");
            (await IncidentEventsAsync(configuration["ConnectionStrings:Posture"]!)).ShouldBe(before);
        }
        finally
        {
            File.Delete(revised);
        }
    }

    [Fact]
    public async Task a_row_imported_before_at_another_site_is_rejected_naming_that_site_and_records_nothing()
    {
        // IRQ90001 was imported at Erbil; the same event placed at Balad (as a later export, or a site registered nearer,
        // could place it) would put one incident id at two bases.
        var configuration = await SitesRegisteredAsync();
        (await CliRun.RunAsync(configuration, "import", Sample)).ExitCode.ShouldBe(1);
        var before = await IncidentEventsAsync(configuration["ConnectionStrings:Posture"]!);
        var sample = await File.ReadAllLinesAsync(Sample);

        var run = await ImportLinesAsync(configuration, [sample[0], sample[1].Replace("36.2370,43.9630", "33.9400,44.3600", StringComparison.Ordinal)]);

        run.ExitCode.ShouldBe(1);
        run.Output.ShouldContain("imported 0, already imported 0, skipped 0, rejected 1");
        run.Output.ShouldContain("line 2 (IRQ90001): refused at Balad");
        run.Output.ShouldContain($"another base ({Erbil})");
        (await IncidentEventsAsync(configuration["ConnectionStrings:Posture"]!)).ShouldBe(before);
    }

    [Fact]
    public async Task the_alerts_its_reassessments_raise_are_handled_before_it_exits()
    {
        // The demo and the import cascade reassessments, which raise alerts and evacuation recommendations: all of it
        // is handled before each run ends, not left in the durable inbox for a host that may never start.
        var configuration = await SitesRegisteredAsync();
        (await CliRun.RunAsync(configuration, "import", Sample)).ExitCode.ShouldBe(1);

        await using var connection = new NpgsqlConnection(configuration["ConnectionStrings:Posture"]);
        await connection.OpenAsync();
        await using var pending = new NpgsqlCommand(
            $"select (select count(*) from {PostureStore.Schema}.wolverine_incoming_envelopes where status = 'Incoming') + (select count(*) from {PostureStore.Schema}.wolverine_outgoing_envelopes)",
            connection);
        Convert.ToInt64(await pending.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(0);
        await using var alerts = new NpgsqlCommand($"select count(*) from {PostureStore.Schema}.mt_doc_alert", connection);
        Convert.ToInt64(await alerts.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
    }

    /// <summary>Imports <paramref name="lines"/> (a header and rows) from a file of their own, deleted afterwards.</summary>
    private static async Task<CliRun> ImportLinesAsync(Dictionary<string, string?> configuration, IEnumerable<string> lines)
    {
        var file = Path.Combine(Path.GetTempPath(), $"posture-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(file, lines);
        try
        {
            return await CliRun.RunAsync(configuration, "import", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task a_refused_row_between_good_rows_for_one_site_is_reported_and_the_good_ones_are_recorded()
    {
        var configuration = await SitesRegisteredAsync();
        var connectionString = configuration["ConnectionStrings:Posture"]!;
        var before = await IncidentEventsAsync(connectionString);
        var sample = await File.ReadAllLinesAsync(Sample);

        // IRQ90002 and IRQ90004 are at Balad; IRQ90011, also at Balad, is dated after the clock.
        var run = await ImportLinesAsync(configuration, [sample[0], sample[2], sample[11], sample[4]]);

        run.ExitCode.ShouldBe(1, run.Error);
        run.Output.ShouldContain("imported 2, already imported 0, skipped 0, rejected 1");
        run.Output.ShouldContain("line 3 (IRQ90011): refused at Balad Air Base: occurredAt: must not be in the future");
        (await IncidentEventsAsync(connectionString)).ShouldBe(before + 2);
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        await using var session = store.QuerySession();
        (await session.LoadAsync<IncidentLogEntry>(AcledRows.IncidentIdOf("IRQ90002"))).ShouldNotBeNull();
        (await session.LoadAsync<IncidentLogEntry>(AcledRows.IncidentIdOf("IRQ90004"))).ShouldNotBeNull();
        (await session.LoadAsync<IncidentLogEntry>(AcledRows.IncidentIdOf("IRQ90011"))).ShouldBeNull();
    }

    [Fact]
    public async Task more_rows_than_a_batch_holds_are_all_recorded_and_a_repeat_in_a_later_batch_is_already_imported()
    {
        var configuration = await SitesRegisteredAsync();
        var connectionString = configuration["ConnectionStrings:Posture"]!;
        var before = await IncidentEventsAsync(connectionString);
        var sample = await File.ReadAllLinesAsync(Sample);
        // 10,001 attacks at Balad (more than the 10,000 rows held and sent at a time), then the first of them again, then one at Erbil.
        var rows = Enumerable.Range(0, 10_001).Select(i => sample[2].Replace("IRQ90002", $"BLK{i:00000}", StringComparison.Ordinal)).ToList();

        var run = await ImportLinesAsync(configuration, [sample[0], .. rows, rows[0], sample[1]]);

        run.ExitCode.ShouldBe(0, run.Error + run.Output);
        run.Output.ShouldContain("imported 10002, already imported 1, skipped 0, rejected 0");
        (await IncidentEventsAsync(connectionString)).ShouldBe(before + 10_002);
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        await using var session = store.QuerySession();
        (await session.Query<IncidentLogEntry>().CountAsync(i => i.SiteId == DemoCommand.Balad)).ShouldBe(2 + 10_001);
        (await session.Query<IncidentLogEntry>().CountAsync(i => i.SiteId == Erbil)).ShouldBe(1 + 1);
        // The sites' documents followed their streams through the bulk path (their ETag is the stream's version).
        foreach (var site in new[] { DemoCommand.Balad, Erbil })
        {
            (await session.LoadAsync<SitePosture>(site)).ShouldNotBeNull().BaseVersion
                .ShouldBe((await session.Events.FetchStreamStateAsync(site)).ShouldNotBeNull().Version);
        }
    }

    [Fact]
    public async Task the_report_lists_every_skipped_and_rejected_row_with_its_line_and_reason()
    {
        var configuration = await SitesRegisteredAsync();
        var report = Path.Combine(Path.GetTempPath(), $"posture-import-{Guid.NewGuid():N}.csv");
        try
        {
            var run = await CliRun.RunAsync(configuration, "import", Sample, "--radius-km", "10", "--report", report);

            run.ExitCode.ShouldBe(1, run.Error);
            run.Output.ShouldContain("imported 7, already imported 0, skipped 5, rejected 5");
            var lines = await File.ReadAllLinesAsync(report);
            lines[0].ShouldBe("line,event_id_cnty,outcome,reason");
            lines.Skip(1).Select(l => l.Split(',')[0]).ShouldBe(["8", "9", "10", "11", "12", "13", "14", "15", "17", "18"]);
            lines.ShouldContain("8,IRQ90007,skipped,\"the nearest site, NATO Mission Iraq HQ, is 449.9 km away (radius 10 km)\"");
            lines.ShouldContain("9,IRQ90008,skipped,sub-event type 'Peaceful protest' is not an attack Posture records");
            lines.ShouldContain("11,IRQ90010,rejected,latitude is empty");
            lines.ShouldContain("13,IRQ90012,rejected,\"the row has 22 fields, the header 31\"");
            lines.ShouldContain("15,IRQ90014,skipped,time_precision 3 places it only within a month");
            lines.ShouldContain(l => l.StartsWith("17,IRQ90016,rejected,\"malformed CSV (a stray quote): IRQ90016,", StringComparison.Ordinal));
            lines.ShouldContain(l => l.StartsWith("18,IRQ90017,skipped,\"the nearest site, Balad Air Base, is 18.", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Fact]
    public async Task a_missing_file_is_one_line_and_exit_code_2()
    {
        var run = await CliRun.RunAsync(NoConfiguration, "import", "/nonexistent/acled.csv");

        run.ShouldBeOneLineUsageError("/nonexistent/acled.csv: no such file");
        run.Output.ShouldBeEmpty();
    }

    [Fact]
    public async Task an_empty_file_is_one_line_and_exit_code_2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"posture-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "");
        try
        {
            (await CliRun.RunAsync(NoConfiguration, "import", file)).ShouldBeOneLineUsageError("is empty; an ACLED export starts with a header row");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task a_radius_of_zero_is_refused_before_anything_starts() =>
        (await CliRun.RunAsync(NoConfiguration, "import", Sample, "--radius-km", "0")).ShouldBeOneLineUsageError("--radius-km must be more than 0");

    [Fact]
    public async Task a_header_without_a_required_column_is_one_line_naming_it_and_exit_code_2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"posture-import-{Guid.NewGuid():N}.csv");
        var sample = await File.ReadAllLinesAsync(Sample);
        await File.WriteAllLinesAsync(file, [sample[0].Replace(",latitude,", ",lat,", StringComparison.Ordinal), .. sample[1..3]]);
        try
        {
            // No database is configured: the header is checked before anything starts.
            var run = await CliRun.RunAsync(NoConfiguration, "import", file);

            run.ShouldBeOneLineUsageError("the header has no latitude column");
            run.Output.ShouldBeEmpty();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
