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
 */
public record ProcessConfig(Path rawDir, Path outDir, Path metadataDir, Path sourcesFile, ProcessSettings settings,
                            QcThresholds qc) {
    public static final String REPORT_FILE = "qc_report.json";
    public static final String STATE_DIR = "process_state";

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
        return new ProcessConfig(rawDir, outDir, metadataDir, sourcesFile, s, qc);
    }

    public ProcessConfig withQc(QcThresholds q) {
        return new ProcessConfig(rawDir, outDir, metadataDir, sourcesFile, settings, q);
    }

    public Path reportFile() { return metadataDir.resolve(REPORT_FILE); }

    public Path stateDir() { return metadataDir.resolve(STATE_DIR); }
}
