package dev.lofilora.dataset.curate;

import dev.lofilora.audio.qc.QcThresholds;

import java.util.List;

/**
 * Output of {@link ProcessJob}: the content of {@code qc_report.json}.
 *
 * @param run    how the run was configured and what ran
 * @param totals counts per status
 * @param files  one report per file, in sources.json order (the parts of a split mix in order), then the files
 *               found without an entry
 * @param cleaned temporary files and unfinished folders of an interrupted earlier run that were removed on start
 */
public record ProcessResult(RunInfo run, Totals totals, List<FileReport> files, List<String> cleaned) {
    public ProcessResult {
        files = List.copyOf(files);
        cleaned = cleaned == null ? List.of() : List.copyOf(cleaned);
    }

    /**
     * @param startedAt   ISO-8601 UTC start time
     * @param seconds     wall time of the run
     * @param rawDir      the raw folder
     * @param outDir      the output folder
     * @param sourcesFile the sources.json used
     * @param report      where this report is written
     * @param threads     worker threads used
     * @param settings    the effective process settings
     * @param qc          the effective quality-check thresholds
     * @param resampler   the resampling engine and its parameters
     * @param ffmpeg      FFmpeg's version and libswresample/libavcodec versions
     * @param lofiVersion this program's version
     * @param configHash  hash of everything that changes an output (resume compares it)
     * @param htmlReport  where the readable report ({@code qc_report.html}) is written
     * @param splitLong   whether long tracks were cut into parts ({@code --split-long})
     */
    public record RunInfo(String startedAt, double seconds, String rawDir, String outDir, String sourcesFile,
                          String report, int threads, ProcessSettings settings, QcThresholds qc, String resampler,
                          String ffmpeg, String lofiVersion, String configHash, String htmlReport, boolean splitLong) {}

    /**
     * Counts of files per status; {@code resumed} counts ok/warn files kept from an earlier run; {@code removed}
     * counts files deleted or moved aside (each listed in its file's {@code removed}).
     */
    public record Totals(int files, int ok, int warn, int rejected, int error, int resumed, int removed) {
        static Totals of(List<FileReport> files) {
            int ok = 0, warn = 0, rej = 0, err = 0, res = 0, removed = 0;
            for (FileReport f : files) {
                if (f.removed() != null) {
                    for (Removal r : f.removed()) if (!r.action().equals(Removal.KEPT)) removed++;
                }
                switch (f.status()) {
                    case OK -> ok++;
                    case WARN -> warn++;
                    case REJECTED -> rej++;
                    case ERROR -> err++;
                }
                if (f.resumed()) res++;
            }
            return new Totals(files.size(), ok, warn, rej, err, res, removed);
        }
    }

    /** True when every file was written (ok or warn): exit code 0. */
    public boolean allAccepted() {
        return totals.rejected() == 0 && totals.error() == 0;
    }
}
