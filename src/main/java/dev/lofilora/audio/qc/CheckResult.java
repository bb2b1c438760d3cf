package dev.lofilora.audio.qc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One quality check on one file: its name (e.g. {@code "clipping"}), the verdict, the measured value with its
 * unit, and a sentence for the report. The bandwidth check also carries the file's {@link Spectrum} (for the
 * report's thumbnails); the others carry null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckResult(String check, Verdict verdict, double value, String unit, String detail, Spectrum spectrum) {
    @JsonCreator
    public CheckResult {}

    public CheckResult(String check, Verdict verdict, double value, String unit, String detail) {
        this(check, verdict, value, unit, detail, null);
    }
}
