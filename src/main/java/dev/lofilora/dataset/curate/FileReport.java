package dev.lofilora.dataset.curate;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lofilora.audio.io.SourceFormat;
import dev.lofilora.audio.loudness.LoudnessReport;
import dev.lofilora.audio.qc.CheckResult;

import java.util.List;
import java.util.Map;

/**
 * Everything {@code process} measured and decided about one file (one element of {@code qc_report.json → files}).
 * Fields after {@code reasons} are null when the run stopped before the stage that fills them.
 *
 * @param file           the path as sources.json gives it (relative to the raw folder), or the found path for a file
 *                       with no entry
 * @param input          the absolute input path
 * @param name           the output name (the track's unique key), or null for a file with no entry
 * @param category       the output sub-folder, or null
 * @param license        the licence id from sources.json, or null
 * @param status         ok, warn, rejected or error
 * @param reasons        why the status is not ok: one sentence per problem (empty for ok)
 * @param resumed        true when the output of an earlier run was kept (same input sha256 and config hash)
 * @param inputSha256    sha256 of the input file's bytes
 * @param inputBytes     size of the input file
 * @param format         source format facts from the decoder
 * @param decodedSeconds seconds of audio decoded
 * @param decodeWarnings decoder warnings (truncation, skipped packets)
 * @param checks         every quality check on the source at its original rate
 * @param loudnessBefore loudness of the 48 kHz stereo audio before gain
 * @param gainDb         loudness gain applied (target − integrated loudness before); never NaN: null for silence
 * @param limiter        what the true-peak limiter did
 * @param trimmedSeconds silence removed from the ends (0 when trimming is off)
 * @param output         the written file
 * @param outputBytes    its size
 * @param loudnessAfter  loudness of the written file, decoded back
 * @param outputSeconds  its duration
 * @param error          the error message for status error
 * @param stageSeconds   wall time of each stage (hash, decode, checks, resample, measure, limit, write, verify)
 * @param removed        files this run removed or moved aside for this track (earlier outputs it proved it wrote,
 *                       or a file in the way of its output), and earlier outputs it kept because it could not prove
 *                       them its own; null when none
 * @param segment        for a part of a long mix cut by {@code --split-long}: its parent and where it was cut;
 *                       null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileReport(String file, String input, String name, String category, String license,
                         FileStatus status, List<String> reasons, boolean resumed,
                         String inputSha256, Long inputBytes, SourceFormat format, Double decodedSeconds,
                         List<String> decodeWarnings, List<CheckResult> checks, LoudnessReport loudnessBefore,
                         Double gainDb, LimiterReport limiter, Double trimmedSeconds, String output, Long outputBytes,
                         LoudnessReport loudnessAfter, Double outputSeconds, String error,
                         Map<String, Double> stageSeconds, List<Removal> removed, Segment segment) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public FileReport {}

    /** A report without removals or segment (what the per-file pipeline produces). */
    public FileReport(String file, String input, String name, String category, String license,
                      FileStatus status, List<String> reasons, boolean resumed,
                      String inputSha256, Long inputBytes, SourceFormat format, Double decodedSeconds,
                      List<String> decodeWarnings, List<CheckResult> checks, LoudnessReport loudnessBefore,
                      Double gainDb, LimiterReport limiter, Double trimmedSeconds, String output, Long outputBytes,
                      LoudnessReport loudnessAfter, Double outputSeconds, String error,
                      Map<String, Double> stageSeconds) {
        this(file, input, name, category, license, status, reasons, resumed, inputSha256, inputBytes, format,
                decodedSeconds, decodeWarnings, checks, loudnessBefore, gainDb, limiter, trimmedSeconds, output,
                outputBytes, loudnessAfter, outputSeconds, error, stageSeconds, null, null);
    }

    /** The worst check (FAIL before WARN), or null when every check passed or none ran. */
    public CheckResult worstCheck() {
        if (checks == null) return null;
        CheckResult worst = null;
        for (CheckResult c : checks) {
            if (c.verdict() == dev.lofilora.audio.qc.Verdict.PASS) continue;
            if (worst == null || c.verdict().ordinal() > worst.verdict().ordinal()) worst = c;
        }
        return worst;
    }

    /**
     * This report marked as resumed from an earlier run, with today's entry facts (the file may have moved inside the
     * raw folder, or its licence id been corrected, without changing its content) and today's output path (a copied
     * project folder resumes from the copies).
     */
    FileReport asResumed(String file, String input, String license, String output) {
        return new FileReport(file, input, name, category, license, status, reasons, true, inputSha256, inputBytes,
                format, decodedSeconds, decodeWarnings, checks, loudnessBefore, gainDb, limiter, trimmedSeconds, output,
                outputBytes, loudnessAfter, outputSeconds, error, stageSeconds, null, segment);
    }

    /**
     * This report with {@code more} removals appended, each also stated in {@code reasons} (so the table, the
     * reasons and the JSON all say it).
     */
    FileReport withRemovals(List<Removal> more) {
        if (more.isEmpty()) return this;
        List<Removal> all = new java.util.ArrayList<>(removed == null ? List.of() : removed);
        all.addAll(more);
        List<String> why = new java.util.ArrayList<>(reasons);
        for (Removal r : more) why.add(r.sentence());
        return new FileReport(file, input, name, category, license, status, List.copyOf(why), resumed, inputSha256,
                inputBytes, format, decodedSeconds, decodeWarnings, checks, loudnessBefore, gainDb, limiter,
                trimmedSeconds, output, outputBytes, loudnessAfter, outputSeconds, error, stageSeconds, List.copyOf(all),
                segment);
    }

    /** This report as a part of a long mix. */
    FileReport withSegment(Segment s) {
        return new FileReport(file, input, name, category, license, status, reasons, resumed, inputSha256, inputBytes,
                format, decodedSeconds, decodeWarnings, checks, loudnessBefore, gainDb, limiter, trimmedSeconds, output,
                outputBytes, loudnessAfter, outputSeconds, error, stageSeconds, removed, s);
    }

    /**
     * The reasons, most important first: failures (the file was not written) before warnings about the source
     * (decoder, quality checks), then about the output, then notes about removals. Within a kind, the order of the
     * run. What the table shows first.
     */
    public List<String> reasonsByImportance() {
        List<String> sorted = new java.util.ArrayList<>(reasons);
        sorted.sort(java.util.Comparator.comparingInt(FileReport::importance));
        return sorted;
    }

    private static int importance(String reason) {
        if (reason.startsWith("quality check ") && reason.contains(" failed:")) return 1;
        if (reason.startsWith("decoder: ")) return reason.contains("truncated") ? 2 : 4;
        if (reason.startsWith("quality check ")) {
            // a bandwidth or bit-depth note says little about the file's use; clipping, silence or a truncation does
            return reason.startsWith("quality check bandwidth") || reason.startsWith("quality check bit_depth") ? 6 : 3;
        }
        if (reason.startsWith("output ")) return 5;
        if (reason.startsWith(Removal.PREFIX_REMOVED) || reason.startsWith(Removal.PREFIX_MOVED)
                || reason.startsWith(Removal.PREFIX_KEPT)) return 7;
        return 0; // rejections and errors (licence, entry, too long, silent, I/O): why the file was not written
    }
}
