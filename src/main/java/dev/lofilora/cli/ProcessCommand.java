package dev.lofilora.cli;

import dev.lofilora.audio.qc.CheckResult;
import dev.lofilora.common.Json;
import dev.lofilora.dataset.curate.FileReport;
import dev.lofilora.dataset.curate.OutputFormat;
import dev.lofilora.dataset.curate.ProcessConfig;
import dev.lofilora.dataset.curate.ProcessJob;
import dev.lofilora.dataset.curate.ProcessResult;
import dev.lofilora.dataset.curate.ProcessSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lofi process}: raw tracks → normalised 48 kHz stereo 24-bit files + qc_report.json (docs/cli.md). */
@Command(name = "process", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Decode, check, resample to 48 kHz stereo, normalise (-14 LUFS, <= -1 dBTP) and write 24-bit WAV (or FLAC) for every track in sources.json; writes <metadata>/qc_report.json. Only licensed tracks are processed; files already processed with the same input and config are skipped. The raw folder is never modified.",
                "",
                "Exit codes: 0 every file ok (warnings allowed); 1 some files rejected or failed; 2 usage/config error."
        })
final class ProcessCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<raw-dir>", description = "Folder with the source audio (read only).")
    Path rawDir;

    @Option(names = "--out", paramLabel = "<dir>", defaultValue = "data/processed",
            description = "Output folder; files go to <dir>/<category>/<name>.wav (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--metadata", paramLabel = "<dir>", defaultValue = "data/metadata",
            description = "Folder for qc_report.json and the resume state (default: ${DEFAULT-VALUE}).")
    Path metadata;

    @Option(names = "--sources", paramLabel = "<file>",
            description = "The sources.json listing every track and its licence (default: <metadata>/sources.json).")
    Path sources;

    @Option(names = "--threads", paramLabel = "<n>",
            description = "Files processed in parallel (default: process.threads in the config; 0 = all cores).")
    Integer threads;

    @Option(names = "--flac", description = "Write 24-bit FLAC instead of 24-bit WAV.")
    boolean flac;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        if (threads != null && threads < 0) {
            throw new dev.lofilora.common.LofiException("--threads must be 0 (all cores) or more, not " + threads, "");
        }
        Path sourcesFile = sources != null ? sources : metadata.resolve("sources.json");
        ProcessConfig config = ProcessConfig.of(rawDir, out, metadata, sourcesFile, common.config());
        ProcessSettings s = config.settings();
        if (threads != null) s = s.withThreads(threads);
        if (flac) s = s.withOutputFormat(OutputFormat.FLAC);
        ProcessResult result = new ProcessJob(config.withSettings(s)).run(ConsoleProgress.create(common));
        if (common.json) System.out.println(Json.toString(result));
        else printSummary(result, System.out);
        return result.allAccepted() ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }

    static void printSummary(ProcessResult r, PrintStream o) {
        o.printf("%-32s %-9s %17s %9s  %s%n", "file", "status", "LUFS in -> out", "dBTP out", "worst check / reason");
        for (FileReport f : r.files()) {
            String name = f.name() != null ? f.name() : f.file();
            String lufs = f.loudnessBefore() == null ? "" : String.format(Locale.ROOT, "%6.1f -> %s",
                    f.loudnessBefore().integratedLufs(),
                    f.loudnessAfter() == null ? "  -" : String.format(Locale.ROOT, "%5.1f", f.loudnessAfter().integratedLufs()));
            String tp = f.loudnessAfter() == null ? "" : String.format(Locale.ROOT, "%6.2f", f.loudnessAfter().truePeakDbtp());
            CheckResult worst = f.worstCheck();
            String note = worst != null ? worst.check() + " " + worst.verdict().name().toLowerCase(Locale.ROOT) : "";
            String status = f.status().id() + (f.resumed() ? "*" : "");
            o.printf("%-32s %-9s %17s %9s  %s%n", shorten(name), status, lufs, tp, note);
            if (!f.status().accepted() && !f.reasons().isEmpty()) o.println("    " + f.reasons().get(0));
        }
        ProcessResult.Totals t = r.totals();
        o.printf("%n%d files: %d ok, %d warn, %d rejected, %d error%s. Report: %s%n", t.files(), t.ok(), t.warn(),
                t.rejected(), t.error(), t.resumed() > 0 ? " (" + t.resumed() + " unchanged, skipped: *)" : "",
                r.run().report());
    }

    private static String shorten(String s) {
        return s.length() <= 32 ? s : "…" + s.substring(s.length() - 31);
    }
}
