package dev.lofilora.conformance;

import java.nio.file.Path;

/**
 * A conformance run.
 *
 * @param golden     a golden folder, or a parent folder whose subfolders are golden folders (e.g. codecs/A)
 * @param saveDir    where to write the computed tensors under the golden's file names and keys, or null
 * @param requireAll fail when any expected tensor was skipped
 * @param device     "cpu", "cuda" or "cuda:N"
 */
public record ConformanceConfig(Path golden, Path saveDir, boolean requireAll, String device) {
    public ConformanceConfig {
        if (golden == null) throw new IllegalArgumentException("golden folder is required");
        if (device == null) device = "cpu";
    }

    /** A CPU run of {@code golden} without --save and without --require-all. */
    public static ConformanceConfig of(Path golden) {
        return new ConformanceConfig(golden, null, false, "cpu");
    }
}
