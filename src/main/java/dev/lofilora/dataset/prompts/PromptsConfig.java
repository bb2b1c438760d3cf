package dev.lofilora.dataset.prompts;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link PromptsJob} does.
 *
 * @param processedDir the processed folder ({@code <dir>/<category>/<name>.wav})
 * @param metadataDir  the folder of {@code sources.json}; {@code style_mapping.json} and
 *                     {@code prompt_variants.json} are written there
 * @param seed         seed of the prompt variants
 * @param variants     variants per track (0 or more)
 * @param analyse      analyse tempo and key of every track (one decoded file per thread at a time); when false
 *                     only tracks without a sources.json style are analysed, and the others get no bpm/key tags
 * @param threads      analysis threads (each holds one decoded track)
 */
public record PromptsConfig(Path processedDir, Path metadataDir, long seed, int variants, boolean analyse,
                            int threads) {
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_VARIANTS = 4;

    public PromptsConfig {
        Objects.requireNonNull(processedDir, "processedDir");
        Objects.requireNonNull(metadataDir, "metadataDir");
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }

    /** Seed 42, 4 variants, analysis on, one thread per core. */
    public static PromptsConfig of(Path processedDir, Path metadataDir) {
        return new PromptsConfig(processedDir, metadataDir, DEFAULT_SEED, DEFAULT_VARIANTS, true,
                Runtime.getRuntime().availableProcessors());
    }

    public PromptsConfig withSeed(long s) { return new PromptsConfig(processedDir, metadataDir, s, variants, analyse, threads); }

    public PromptsConfig withVariants(int n) { return new PromptsConfig(processedDir, metadataDir, seed, n, analyse, threads); }

    public PromptsConfig withAnalyse(boolean a) { return new PromptsConfig(processedDir, metadataDir, seed, variants, a, threads); }

    public PromptsConfig withThreads(int t) { return new PromptsConfig(processedDir, metadataDir, seed, variants, analyse, t); }
}
