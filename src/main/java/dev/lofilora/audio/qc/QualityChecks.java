package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;

import java.util.List;

/** Runs every quality check on a decoded file. Thread-safe. */
public final class QualityChecks {
    private final QcThresholds thresholds;

    public QualityChecks(QcThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /**
     * @param audio          the decoded file at its original rate, before any gain
     * @param sourceBitDepth bits per sample of the source's sample format (16, 24, 32) or 0 when not PCM/unknown
     */
    public List<CheckResult> run(AudioBuffer audio, int sourceBitDepth) {
        throw new UnsupportedOperationException("stub: implemented by the QC work");
    }
}
