package dev.lofilora.metrics.validate;

import java.util.List;
import java.util.Map;

/**
 * What {@code lofi validate} found (the {@code --json} output and {@code validation_report.json}): the reference set
 * scored under the same pipeline, every checkpoint's FAD and CLAP score with the gates applied, and the best
 * checkpoint. Counts (clips, segments, VGGish frames) and the clip length are stated with every score.
 */
public record ValidateResult(Reference reference, Pipeline pipeline, Gates gates, List<CheckpointResult> checkpoints,
                             String best, boolean passed, String reportJson, String reportHtml, List<String> warnings,
                             RunGenerated run) {
    public ValidateResult {
        checkpoints = List.copyOf(checkpoints);
        warnings = List.copyOf(warnings);
    }

    /** A result of scoring given folders (no generation: {@code run} is null). */
    public ValidateResult(Reference reference, Pipeline pipeline, Gates gates, List<CheckpointResult> checkpoints,
                          String best, boolean passed, String reportJson, String reportHtml, List<String> warnings) {
        this(reference, pipeline, gates, checkpoints, best, passed, reportJson, reportHtml, warnings, null);
    }

    /**
     * {@code --run}: the training run whose checkpoints were rendered, the base model, the clip length and the
     * generation settings, and per checkpoint what was generated.
     */
    public record RunGenerated(String run, String model, double seconds, GenerationSettings settings,
                               List<Generation> checkpoints) {
        public RunGenerated {
            checkpoints = List.copyOf(checkpoints);
        }
    }

    /**
     * One checkpoint's clips: its folder and adapter hash, where the clips are, how many were generated now and how
     * many were already there from an earlier run (same adapter hash and settings), and the generation's wall time.
     */
    public record Generation(String label, long step, String checkpoint, String checkpointSha256, String dir,
                             int generated, int unchanged, double seconds) {}

    /** The held-out real tracks: N, segment length, frames, and their own CLAP score against their own prompts. */
    public record Reference(String dir, int tracks, int segments, double segmentSeconds, int frames, double clapScore,
                            double clapStd, Map<String, Integer> styles) {}

    /** The embeddings and their settings, as run. */
    public record Pipeline(String vggish, String clap, double seconds, String device) {}

    /** The configured gates and the CLAP threshold they amount to for this reference. */
    public record Gates(double fadMax, String clapGate, double clapRelativeMin, double clapAbsoluteMin,
                        double clapThreshold, String clapText) {}

    /** FAD-∞ (seeded), or null when there were too few frames. */
    public record FadInf(double value, double slope, double r2, long seed) {}

    public record StyleScore(String style, int clips, int frames, Double fad, double clapScore) {}

    /** One clip: CLAP cosine with its own prompt, and its own FAD against the reference (null under 2 frames). */
    public record ClipScore(String id, String style, String prompt, String audio, double seconds, double clap, Double fad) {}

    public record CheckpointResult(String label, Long step, String dir, int clips, int segments, double clipSeconds,
                                   int frames, double fad, FadInf fadInf, double clapScore, double clapStd,
                                   Double clapRelative, boolean fadPass, boolean clapPass, boolean passed,
                                   List<StyleScore> styles, List<ClipScore> clipScores, List<String> outliers,
                                   List<String> warnings, boolean resumed) {
        public CheckpointResult {
            styles = List.copyOf(styles);
            clipScores = List.copyOf(clipScores);
            outliers = List.copyOf(outliers);
            warnings = List.copyOf(warnings);
        }

        /** The same result marked as read back from an earlier run. */
        public CheckpointResult asResumed() {
            return new CheckpointResult(label, step, dir, clips, segments, clipSeconds, frames, fad, fadInf, clapScore,
                    clapStd, clapRelative, fadPass, clapPass, passed, styles, clipScores, outliers, warnings, true);
        }
    }
}
