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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileReport(String file, String input, String name, String category, String license,
                         FileStatus status, List<String> reasons, boolean resumed,
                         String inputSha256, Long inputBytes, SourceFormat format, Double decodedSeconds,
                         List<String> decodeWarnings, List<CheckResult> checks, LoudnessReport loudnessBefore,
                         Double gainDb, LimiterReport limiter, Double trimmedSeconds, String output, Long outputBytes,
                         LoudnessReport loudnessAfter, Double outputSeconds, String error,
                         Map<String, Double> stageSeconds) {

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
     * raw folder, or its licence id been corrected, without changing its content).
     */
    FileReport asResumed(String file, String input, String license) {
        return new FileReport(file, input, name, category, license, status, reasons, true, inputSha256, inputBytes,
                format, decodedSeconds, decodeWarnings, checks, loudnessBefore, gainDb, limiter, trimmedSeconds, output,
                outputBytes, loudnessAfter, outputSeconds, error, stageSeconds);
    }
}
