using System.ComponentModel;
using System.Globalization;
using System.Threading.Channels;
using CsvHelper;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Posture.Cli.Hosting;
using Posture.Domain.Bases;
using Posture.Domain.Common;
using Posture.Domain.Sites;
using Posture.Infrastructure.Bases;
using Posture.Infrastructure.Bus;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Posture.Cli.Import;

public sealed class ImportSettings : PostureSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("An ACLED export (CSV with a header row; see docs/cli.md for the columns read)")]
    public string File { get; init; } = "";

    [CommandOption("--radius-km <KM>")]
    [Description("Attach an incident to the nearest registered site within this distance; farther ones are skipped")]
    [DefaultValue(25.0)]
    public double RadiusKm { get; init; } = 25.0;

    [CommandOption("--report <PATH>")]
    [Description("Write every skipped and rejected row (line, event_id_cnty, outcome, reason) to this CSV file")]
    public string? Report { get; init; }

    public override ValidationResult Validate() =>
        double.IsFinite(RadiusKm) && RadiusKm > 0 ? ValidationResult.Success() : ValidationResult.Error($"--radius-km must be more than 0, not {RadiusKm}");
}

/// <summary>
/// <c>posture import</c>: reads an ACLED export row by row and records the attacks near a registered site, each as a
/// <see cref="RecordIncident"/> with an incident id derived from its <c>event_id_cnty</c>, batched by site
/// (<see cref="RecordIncidents"/>, every site's in one transaction, written by <see cref="IncidentImport"/>), so
/// importing a file again records nothing twice. Each row still has its own outcome; bad rows are reported and the import goes on.
/// </summary>
public sealed class ImportCommand(CliEnvironment environment) : AsyncCommand<ImportSettings>
{
    /// <summary>How many rejections the console lists; <c>--report</c> has them all.</summary>
    private const int RejectionsShown = 20;

    public override async Task<int> ExecuteAsync(CommandContext context, ImportSettings settings, CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(settings.File))
        {
            return Usage($"{settings.File}: no such file");
        }

        // Every line break ends a record: one unbalanced quote spoils its own row, not the rest of the file.
        var malformed = new Queue<(long Line, CsvMalformedReason Reason, string RawRecord)>();
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            AllowLineBreaksInQuotes = false,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = record => malformed.Enqueue((record.LineNumber, record.Reason, record.RawRecord)),
        };
        await using var reader = CsvReader.FromFile(settings.File, options);
        await reader.ReadHeaderAsync(cancellationToken);
        if (reader.Headers.Count == 0)
        {
            return Usage($"{settings.File}: is empty; an ACLED export starts with a header row");
        }

        var (columns, missing) = AcledColumns.Find(reader.Headers);
        if (columns is null)
        {
            return Usage($"{settings.File}: the header has no {string.Join(", ", missing)} column{(missing.Count > 1 ? "s" : "")} (an ACLED export has them)");
        }

        CsvWriter? report;
        try
        {
            report = settings.Report is { Length: > 0 } path ? CsvWriter.ToFile(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Usage($"{settings.Report}: cannot be written: {e.Message}");
        }

        await using var reportFile = report;
        if (report is not null)
        {
            await report.WriteRecordAsync(["line", "event_id_cnty", "outcome", "reason"], cancellationToken);
        }

        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        IReadOnlyList<SitePosture> sites;
        await using (var session = runtime.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            sites = await session.Query<SitePosture>().ToListAsync(cancellationToken);
        }

        // One correlation id for the whole run: every batch's events name it.
        var run = Guid.NewGuid().ToString();
        var tally = new ImportTally();
        async Task Note(long line, RowVerdict verdict)
        {
            var (outcome, reason) = verdict switch
            {
                SkippedRow skipped => ("skipped", skipped.Reason),
                RejectedRow rejected => ("rejected", rejected.Reason),
                _ => ("", ""),
            };
            if (outcome.Length == 0)
            {
                return;
            }

            tally.Count(line, verdict.EventId, outcome, reason);
            if (report is not null)
            {
                await report.WriteRecordAsync([line.ToString(CultureInfo.InvariantCulture), verdict.EventId ?? "", outcome, reason], cancellationToken);
            }
        }

        // Rows wait in their batch, in file order, until it is written; then each is counted and reported in that order.
        async Task WriteBatchAsync(ImportBatch batch)
        {
            var outcomes = await batch.WriteAsync(runtime, run, cancellationToken);
            foreach (var (line, verdict, site) in batch.Rows)
            {
                var settled = verdict is IncidentCandidate candidate && site is not null
                    ? Settle(candidate, site.Name, outcomes[site.Id].Dequeue(), tally)
                    : verdict;
                if (settled is not null)
                {
                    await Note(line, settled);
                }
            }
        }

        // Reading and writing overlap: the next batch is read and decided here while the one before is written; at
        // most one batch waits between them, so memory stays bounded by three batches whatever the file's size.
        var batches = Channel.CreateBounded<ImportBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task ReadAllAsync(Action<long>? progress, CancellationToken cancellation)
        {
            var batch = new ImportBatch();
            async Task Hold(long line, RowVerdict verdict, SitePosture? site = null)
            {
                batch.Add(line, verdict, site);
                if (batch.Rows.Count >= ImportBatch.Size)
                {
                    await batches.Writer.WriteAsync(batch, cancellation);
                    batch = new ImportBatch();
                }
            }

            async Task NoteMalformedBefore(long line)
            {
                while (malformed.TryPeek(out var bad) && bad.Line < line)
                {
                    malformed.Dequeue();
                    // The first field is event_id_cnty in an ACLED export, when the quoting has not spoilt it.
                    var first = bad.RawRecord.Split(',')[0];
                    await Hold(bad.Line, new RejectedRow(
                        first.Length > 0 && !first.Contains('"', StringComparison.Ordinal) ? first : null,
                        $"malformed CSV ({Describe(bad.Reason)}): {Shorten(bad.RawRecord)}"));
                }
            }

            var fields = new CurrentFields(reader);
            while (await reader.ReadAsync(cancellation))
            {
                var line = reader.LineNumber;
                await NoteMalformedBefore(line);
                var verdict = AcledRows.Read(columns, fields.Next());
                if (verdict is IncidentCandidate candidate)
                {
                    var (site, skipped) = SiteOf(sites, candidate, settings.RadiusKm);
                    await Hold(line, skipped ?? verdict, site);
                }
                else
                {
                    await Hold(line, verdict);
                }

                progress?.Invoke(reader.ByteOffset);
            }

            await NoteMalformedBefore(long.MaxValue);
            if (batch.Rows.Count > 0)
            {
                await batches.Writer.WriteAsync(batch, cancellation);
            }
        }

        async Task ImportAll(Action<long>? progress)
        {
            var reading = Task.Run(async () =>
            {
                try
                {
                    await ReadAllAsync(progress, stopReading.Token);
                    batches.Writer.Complete();
                }
                catch (Exception e)
                {
                    batches.Writer.Complete(e);
                }
            }, CancellationToken.None);
            try
            {
                await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken))
                {
                    await WriteBatchAsync(batch);
                }
            }
            finally
            {
                // A batch that failed to write stops the reading too (it may be waiting to hand over the next one).
                await stopReading.CancelAsync();
                await reading;
            }
        }

        if (environment.Console.Profile.Capabilities.Interactive)
        {
            await environment.Console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask($"Importing {Path.GetFileName(settings.File)}", maxValue: Math.Max(1, new FileInfo(settings.File).Length));
                await ImportAll(position => task.Value = position);
                task.Value = task.MaxValue;
            });
        }
        else
        {
            await ImportAll(null);
        }

        Summarise(settings, tally);
        await runtime.SettleAsync(environment.Console, cancellationToken);
        return tally.Rejected > 0 ? ExitCodes.Refused : ExitCodes.Ok;
    }

    /// <summary>The registered site within the radius nearest a candidate, or the row skipped because there is none.</summary>
    private static (SitePosture? Site, SkippedRow? Skipped) SiteOf(IReadOnlyList<SitePosture> sites, IncidentCandidate candidate, double radiusKm)
    {
        if (AcledRows.Nearest(sites, candidate.Latitude, candidate.Longitude) is not { } nearest)
        {
            return (null, new SkippedRow(candidate.Id, "no site is registered"));
        }

        return nearest.Kilometres > radiusKm
            ? (null, new SkippedRow(candidate.Id,
                FormattableString.Invariant($"the nearest site, {nearest.Site.Name}, is {nearest.Kilometres:0.0} km away (radius {radiusKm:0.#} km)")))
            : (nearest.Site, null);
    }

    /// <summary>Counts a written candidate by its outcome; answers null when recorded (now or before), else why not.</summary>
    private static RejectedRow? Settle(IncidentCandidate candidate, string siteName, IncidentRowOutcome outcome, ImportTally tally)
    {
        switch (outcome)
        {
            case { Recorded: true }:
                tally.Imported++;
                return null;
            // The incident id comes from event_id_cnty: recorded before with the same values, by anyone.
            case { Rejection: null }:
                tally.AlreadyImported++;
                return null;
            // Within a batch a conflict is an incident id recorded before with other values, or (naming the field) one
            // another site holds, which the default below reports in the domain's words.
            case { Rejection: { Kind: RejectionKind.Conflict, Problems.Count: 0 } }:
                return new RejectedRow(candidate.Id,
                    "imported before with other values (ACLED revised the event?); a revision is a correction, which import does not make");
            default:
                return new RejectedRow(candidate.Id, $"refused at {siteName}: {outcome.Rejection!.Reason}");
        }
    }

    private void Summarise(ImportSettings settings, ImportTally tally)
    {
        var console = environment.Console;
        console.MarkupLine(
            $"[bold]{Markup.Escape(Path.GetFileName(settings.File))}[/]: imported [green]{tally.Imported}[/], already imported {tally.AlreadyImported}, " +
            $"skipped {tally.Skipped}, rejected [{(tally.Rejected > 0 ? "red" : "default")}]{tally.Rejected}[/].");
        foreach (var (line, eventId, reason) in tally.FirstRejections)
        {
            console.MarkupLine($"  line {line}{(eventId is null ? "" : $" ({Markup.Escape(eventId)})")}: {Markup.Escape(reason)}");
        }

        if (tally.Rejected > tally.FirstRejections.Count)
        {
            console.MarkupLine($"  … and {tally.Rejected - tally.FirstRejections.Count} more{(settings.Report is null ? "; --report <PATH> lists them all" : $" in {Markup.Escape(settings.Report)}")}.");
        }
        else if (settings.Report is not null)
        {
            console.MarkupLine($"Skipped and rejected rows, with reasons: {Markup.Escape(settings.Report)}");
        }
    }

    private int Usage(string message)
    {
        environment.Error.WriteLine($"posture: {message}");
        return ExitCodes.Usage;
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a stray quote",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.UnterminatedQuote => "a quote never closed",
        CsvMalformedReason.LineBreakInQuotes => "a quote never closed on its line",
        _ => reason.ToString(),
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    /// <summary>
    /// The rows read since the last write, in file order, and the incidents among them by site. An export is in date
    /// order, its sites interleaved, so the rows are held up to <see cref="Size"/> and then written as one
    /// <see cref="RecordIncidents"/> per site, all in one <see cref="ImportIncidents"/>: one transaction for all, and
    /// one threat reassessment per site.
    /// </summary>
    private sealed class ImportBatch
    {
        /// <summary>How many rows are held before they are written: enough to make each site's batch large, few enough to hold.</summary>
        public const int Size = 10_000;

        private readonly Dictionary<Guid, List<RecordIncident>> _bySite = [];

        public List<(long Line, RowVerdict Verdict, SitePosture? Site)> Rows { get; } = [];

        /// <summary>Holds a row; an incident candidate with its site is also added to that site's incidents.</summary>
        public void Add(long line, RowVerdict verdict, SitePosture? site)
        {
            if (verdict is IncidentCandidate candidate && site is not null)
            {
                if (!_bySite.TryGetValue(site.Id, out var held))
                {
                    held = [];
                    _bySite[site.Id] = held;
                }

                held.Add(new RecordIncident(site.Id, AcledRows.IncidentIdOf(candidate.Id), candidate.Kind, candidate.Report));
            }
            else
            {
                site = null;
            }

            Rows.Add((line, verdict, site));
        }

        /// <summary>Writes every site's incidents as one bulk write (one transaction) and answers their outcomes by site, in order.</summary>
        public async Task<Dictionary<Guid, Queue<IncidentRowOutcome>>> WriteAsync(CliRuntime runtime, string run, CancellationToken cancellation)
        {
            if (_bySite.Count == 0)
            {
                return [];
            }

            var outcome = await IncidentImport.WriteAsync(
                runtime.Services, new ImportIncidents([.. _bySite.Select(s => new RecordIncidents(s.Key, s.Value))]), runtime.Caller, run, cancellation);
            return outcome.Sites.ToDictionary(s => s.Stream.StreamId, s => new Queue<IncidentRowOutcome>(s.Rows));
        }
    }

    /// <summary>
    /// The current record's fields, each read from the reader when first asked for: a row's verdict reads about a
    /// dozen of an export's 31 columns, and reading every field as a string first was a tenth of what an import
    /// allocated (docs/adr/0033). Valid until the reader moves on; the verdict keeps strings, never this list.
    /// </summary>
    private sealed class CurrentFields(CsvReader reader) : IReadOnlyList<string>
    {
        private string?[] _read = [];
        private int _count;

        public int Count => _count;

        public string this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
                return _read[index] ??= reader.GetString(index) ?? "";
            }
        }

        /// <summary>Forgets the record before: this list is now the reader's current one.</summary>
        public CurrentFields Next()
        {
            _count = reader.FieldCount;
            if (_read.Length < _count)
            {
                _read = new string?[_count];
            }
            else
            {
                Array.Clear(_read);
            }

            return this;
        }

        public IEnumerator<string> GetEnumerator()
        {
            for (var i = 0; i < _count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The counts so far, and the first rejections to show on the console.</summary>
    private sealed class ImportTally
    {
        private readonly List<(long Line, string? EventId, string Reason)> _firstRejections = [];

        public int Imported { get; set; }

        public int AlreadyImported { get; set; }

        public int Skipped { get; private set; }

        public int Rejected { get; private set; }

        public List<(long Line, string? EventId, string Reason)> FirstRejections => _firstRejections;

        public void Count(long line, string? eventId, string outcome, string reason)
        {
            if (outcome == "skipped")
            {
                Skipped++;
                return;
            }

            Rejected++;
            if (_firstRejections.Count < RejectionsShown)
            {
                _firstRejections.Add((line, eventId, reason));
            }
        }
    }
}
