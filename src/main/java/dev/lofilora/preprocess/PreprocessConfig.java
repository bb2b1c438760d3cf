package dev.lofilora.preprocess;

import dev.lofilora.common.ConfigFiles;

import java.nio.file.Path;

/**
 * Input of {@link PreprocessJob}.
 *
 * @param dataDir     a dataset folder written by {@code lofi dataset} ({@code <key>.<ext>}, {@code <key>_prompt.txt},
 *                    {@code <key>_lyrics.txt} side by side)
 * @param cacheDir    where the per-track cache files go ({@code <key>.safetensors})
 * @param metadataDir where {@code prompt_variants.json} is read from (absent file: the prompt file alone)
 * @param model       {@code "tiny"} or an ACE-Step checkpoint folder
 * @param lyricVocab  the lyric vocabulary, or null for the default beside the checkpoint
 * @param device      "auto", "cpu", "cuda" or "cuda:N"
 * @param bf16Weights round released weights to bf16 as ACE-Step's trainer does; null = yes for a checkpoint, no for tiny
 * @param force       re-encode tracks whose cache file exists (also one made by another model)
 * @param configs     config files (the tiny preset)
 */
public record PreprocessConfig(Path dataDir, Path cacheDir, Path metadataDir, String model, Path lyricVocab,
                               String device, Boolean bf16Weights, boolean force, ConfigFiles configs) {
    public static final String PROMPT_VARIANTS = "prompt_variants.json";

    public PreprocessConfig {
        if (dataDir == null || cacheDir == null) throw new IllegalArgumentException("data and cache folders are required");
        if (configs == null) configs = ConfigFiles.defaults();
        if (device == null) device = "auto";
    }

    /** Defaults: metadata beside the data folder's parent ({@code data/metadata}), auto device, no force. */
    public static PreprocessConfig of(Path dataDir, Path cacheDir, String model) {
        Path parent = dataDir.toAbsolutePath().normalize().getParent();
        Path metadata = parent == null ? Path.of("data/metadata") : parent.resolve("metadata");
        return new PreprocessConfig(dataDir, cacheDir, metadata, model, null, "auto", null, false, ConfigFiles.defaults());
    }

    public PreprocessConfig withMetadata(Path dir) {
        return new PreprocessConfig(dataDir, cacheDir, dir, model, lyricVocab, device, bf16Weights, force, configs);
    }

    public PreprocessConfig withDevice(String d) {
        return new PreprocessConfig(dataDir, cacheDir, metadataDir, model, lyricVocab, d, bf16Weights, force, configs);
    }

    public PreprocessConfig withForce(boolean f) {
        return new PreprocessConfig(dataDir, cacheDir, metadataDir, model, lyricVocab, device, bf16Weights, f, configs);
    }

    public PreprocessConfig withLyricVocab(Path p) {
        return new PreprocessConfig(dataDir, cacheDir, metadataDir, model, p, device, bf16Weights, force, configs);
    }

    public PreprocessConfig withBf16Weights(Boolean b) {
        return new PreprocessConfig(dataDir, cacheDir, metadataDir, model, lyricVocab, device, b, force, configs);
    }

    public PreprocessConfig withConfigs(ConfigFiles c) {
        return new PreprocessConfig(dataDir, cacheDir, metadataDir, model, lyricVocab, device, bf16Weights, force, c);
    }
}
