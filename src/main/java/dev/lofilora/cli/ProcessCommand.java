package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.dataset.curate.FileReport;
import dev.lofilora.dataset.curate.FileStatus;
import dev.lofilora.dataset.curate.OutputFormat;
import dev.lofilora.dataset.curate.ProcessConfig;
import dev.lofilora.dataset.curate.ProcessJob;
import dev.lofilora.dataset.curate.ProcessPlanner;
import dev.lofilora.dataset.curate.ProcessResult;
import dev.lofilora.dataset.curate.ProcessSettings;
import dev.lofilora.dataset.curate.Removal;
import dev.lofilora.dataset.curate.Segment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lofi process}: raw tracks → normalised 48 kHz stereo 24-bit files + qc_report.json (docs/cli.md). */
@Command(name = "process", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Decode, check, resample to 48 kHz stereo, normalise (-14 LUFS, <= -1 dBTP) and write 24-bit WAV (or FLAC) for every track in sources.json; writes <metadata>/qc_report.json. Only licensed tracks are processed; files already processed with the same input and config are skipped. The raw folder is never modified.",
                "",
                "Writes <metadata>/qc_report.html too (histograms, per-file status, spectra of rejected files). Only ever removes files inside --out that it wrote itself (checked by size and sha256 against process_state/); every removal is listed. Locks the metadata folder: a second run on it stops with a message naming the first.",
                "",
                "Exit codes: 0 every file ok (warnings allowed); 1 some files rejected or failed; 2 usage/config error (also: folder not writable, metadata folder in use); 3 internal error; 130 interrupted (Ctrl-C: finished files are kept, temporary files removed)."
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

    @Option(names = "--split-long",
            description = "Cut tracks longer than 240 s (ACE-Step's training crop; e.g. 1-hour mixes) into parts <name>_partNN of at most 240 s, at the silences between a mix's tracks or else on beats; each part is normalised and inherits the entry's licence.")
    boolean splitLong;

    @Option(names = "--dry-run",
            description = "Show what would be processed, kept, split, rejected and removed, without decoding or writing anything.")
    boolean dryRun;

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
        config = config.withSettings(s).withSplitLong(splitLong);
        if (dryRun) {
            ProcessPlanner.Plan plan = new ProcessPlanner(config).plan();
            if (common.json) System.out.println(Json.toString(plan));
            else printPlan(plan, System.out);
            return plan.exitCode();
        }
        ProcessResult result = new ProcessJob(config).run(ConsoleProgress.create(common));
        if (common.json) System.out.println(Json.toString(result));
        else printSummary(result, System.out);
        return result.allAccepted() ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }

    static void printSummary(ProcessResult r, PrintStream o) {
        for (String c : r.cleaned()) o.println("removed a temporary file left by an interrupted run: " + c);
        o.printf("%-32s %-9s %17s %9s  %s%n", "file", "status", "LUFS in -> out", "dBTP out", "most important reason");
        for (FileReport f : r.files()) {
            String name = f.name() != null ? f.name() : f.file();
            String lufs = f.loudnessBefore() == null ? "" : String.format(Locale.ROOT, "%6.1f -> %s",
                    f.loudnessBefore().integratedLufs(),
                    f.loudnessAfter() == null ? "  -" : String.format(Locale.ROOT, "%5.1f", f.loudnessAfter().integratedLufs()));
            String tp = f.loudnessAfter() == null ? "" : String.format(Locale.ROOT, "%6.2f", f.loudnessAfter().truePeakDbtp());
            List<String> reasons = f.reasonsByImportance();
            String top = reasons.isEmpty() ? null : reasons.get(0);
            boolean notOk = f.status() != FileStatus.OK && top != null;
            String note = notOk ? label(top) : f.segment() != null ? part(f.segment()) : "";
            String status = f.status().id() + (f.resumed() ? "*" : "");
            o.printf("%-32s %-9s %17s %9s  %s%n", shorten(name), status, lufs, tp, note);
            if (notOk) {
                o.println("    " + top);
                if (f.segment() != null) o.println("    " + part(f.segment()));
            }
            if (f.removed() != null) for (Removal rm : f.removed()) o.println("    " + rm.sentence());
        }
        ProcessResult.Totals t = r.totals();
        o.printf("%n%d files: %d ok, %d warn, %d rejected, %d error%s%s. Report: %s (readable: %s)%n", t.files(), t.ok(),
                t.warn(), t.rejected(), t.error(), t.resumed() > 0 ? " (" + t.resumed() + " unchanged, skipped: *)" : "",
                t.removed() > 0 ? "; " + t.removed() + " earlier outputs removed or moved aside (listed above)" : "",
                r.run().report(), r.run().htmlReport());
        Map<String, Double> stages = new LinkedHashMap<>();
        for (FileReport f : r.files()) {
            if (f.stageSeconds() == null || f.resumed()) continue;
            f.stageSeconds().forEach((k, v) -> stages.merge(k, v, Double::sum));
        }
        StringBuilder time = new StringBuilder("time: " + CommandRun.seconds(r.run().seconds()) + " on "
                + r.run().threads() + " thread(s)");
        if (!stages.isEmpty()) {
            time.append("; summed over files:");
            stages.forEach((k, v) -> time.append(' ').append(k).append(' ').append(CommandRun.seconds(v)).append(','));
            time.setLength(time.length() - 1);
        }
        o.println(time);
    }

    /** A short label for the table column: the check and its verdict, or the start of the sentence. */
    static String label(String reason) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("quality check (\\w+)( failed)?:.*").matcher(reason);
        if (m.matches()) return m.group(1) + (m.group(2) != null ? " fail" : " warn");
        if (reason.startsWith("decoder") && reason.contains("truncated")) return "decoder: looks truncated";
        return reason.length() <= 48 ? reason : reason.substring(0, 47) + "…";
    }

    private static String part(Segment s) {
        return String.format(Locale.ROOT, "part %d/%d of %s (%.1f-%.1f s, cut at %s / %s)", s.index(), s.parts(),
                s.parent(), s.startSeconds(), s.endSeconds(), s.cutBefore(), s.cutAfter());
    }

    static void printPlan(ProcessPlanner.Plan p, PrintStream o) {
        o.println("dry run: nothing is decoded, written, moved or deleted");
        for (String problem : p.problems()) o.println("problem: " + problem);
        o.printf("%-32s %-8s %s%n", "file", "action", "detail");
        for (ProcessPlanner.Planned f : p.files()) {
            String name = f.name() != null ? f.name() : f.file();
            o.printf("%-32s %-8s %s%n", shorten(name), f.action(), f.reason() != null ? f.reason()
                    : f.output() != null ? "-> " + f.output() : "");
            for (String r : f.wouldRemove()) o.println("    " + r);
        }
        StringBuilder c = new StringBuilder();
        p.counts().forEach((k, v) -> c.append(c.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
        o.println();
        o.println(p.files().size() + " files: " + c);
    }

    private static String shorten(String s) {
        return s.length() <= 32 ? s : "…" + s.substring(s.length() - 31);
    }
}
