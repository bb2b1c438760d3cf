package dev.lofilora.dataset.curate;

import dev.lofilora.audio.qc.QcThresholds;
import dev.lofilora.common.ConfigFiles;

import java.nio.file.Path;

/**
 * Input of {@link ProcessJob}.
 *
 * @param rawDir      the folder of source audio (read only, never modified)
 * @param outDir      where outputs go: {@code <outDir>/<category>/<name>.wav|.flac}
 * @param metadataDir where {@code qc_report.json} and the per-file resume state ({@code process_state/}) go
 * @param sourcesFile the sources.json (licences and categories)
 * @param settings    loudness target, ceiling, output format, threads, licence policy, ...
 * @param qc          quality-check thresholds (their {@code maxDurationSeconds} also stops decoding early)
 * @param splitLong   cut tracks longer than {@value LongMixSplitter#MAX_PART_SECONDS} s into parts
 *                    ({@code --split-long}, see {@link LongMixSplitter})
 */
public record ProcessConfig(Path rawDir, Path outDir, Path metadataDir, Path sourcesFile, ProcessSettings settings,
                            QcThresholds qc, boolean splitLong) {
    public static final String REPORT_FILE = "qc_report.json";
    public static final String HTML_REPORT_FILE = "qc_report.html";
    public static final String STATE_DIR = "process_state";

    public ProcessConfig(Path rawDir, Path outDir, Path metadataDir, Path sourcesFile, ProcessSettings settings,
                         QcThresholds qc) {
        this(rawDir, outDir, metadataDir, sourcesFile, settings, qc, false);
    }

    /** Defaults for everything but the folders: sources at {@code <metadataDir>/sources.json}, embedded config. */
    public static ProcessConfig of(Path rawDir, Path outDir, Path metadataDir) {
        return new ProcessConfig(rawDir, outDir, metadataDir, metadataDir.resolve("sources.json"),
                ProcessSettings.defaults(), QcThresholds.defaults());
    }

    /** Settings and thresholds from a config folder (or the embedded defaults). */
    public static ProcessConfig of(Path rawDir, Path outDir, Path metadataDir, Path sourcesFile, ConfigFiles config) {
        return new ProcessConfig(rawDir, outDir, metadataDir, sourcesFile, ProcessSettings.load(config), QcThresholds.load(config));
    }

    public ProcessConfig withSettings(ProcessSettings s) {
        return new ProcessConfig(rawDir, outDir, metadataDir, sourcesFile, s, qc, splitLong);
    }

    public ProcessConfig withQc(QcThresholds q) {
        return new ProcessConfig(rawDir, outDir, metadataDir, sourcesFile, settings, q, splitLong);
    }

    public ProcessConfig withSplitLong(boolean split) {
        return new ProcessConfig(rawDir, outDir, metadataDir, sourcesFile, settings, qc, split);
    }

    public Path reportFile() { return metadataDir.resolve(REPORT_FILE); }

    /** The readable report beside the JSON: {@code <metadata>/qc_report.html}. */
    public Path htmlReportFile() { return metadataDir.resolve(HTML_REPORT_FILE); }

    public Path stateDir() { return metadataDir.resolve(STATE_DIR); }
}
