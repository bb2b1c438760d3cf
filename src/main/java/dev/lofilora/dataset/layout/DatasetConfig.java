package dev.lofilora.dataset.layout;

import dev.lofilora.dataset.sources.LicensePolicy;

import dev.lofilora.dataset.hf.HfDatasetWriter;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link DatasetJob} builds.
 *
 * @param processedDir   the processed folder ({@code <dir>/<category>/<name>.wav} with {@code _prompt.txt} and
 *                       {@code _lyrics.txt} beside each audio file)
 * @param metadataDir    the folder of {@code sources.json} (and {@code style_mapping.json}, when {@code prompts} ran)
 * @param outDir         the training folder to write (replaced when it holds an earlier dataset)
 * @param validationDir  the validation folder to write
 * @param split          fraction of each style that goes to validation, in (0, 1)
 * @param seed           the split's seed
 * @param groupByArtist  keep all tracks of an artist on one side
 * @param relativeTo     null: {@code filename} is the absolute audio path; else the path relative to this folder
 *                       (where the trainer will be started, as ACE-Step's converter writes it)
 * @param repeat         rows per track in the training dataset (the converter's {@code repeat_count}); validation: 1
 * @param placement      hard link or copy of the audio
 * @param licenses       which licences may be used
 * @param maxShardBytes  Arrow shard size (HF {@code datasets}' default 500 MB)
 */
public record DatasetConfig(Path processedDir, Path metadataDir, Path outDir, Path validationDir, double split,
                            long seed, boolean groupByArtist, Path relativeTo, int repeat, AudioPlacement placement,
                            LicensePolicy licenses, long maxShardBytes) {
    public static final double DEFAULT_SPLIT = 0.1;
    public static final long DEFAULT_SEED = 42;

    public DatasetConfig {
        Objects.requireNonNull(processedDir, "processedDir");
        Objects.requireNonNull(metadataDir, "metadataDir");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(validationDir, "validationDir");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(licenses, "licenses");
    }

    /** Defaults: 10 % validation, seed 42, absolute paths, repeat 1, hard links, default licence policy. */
    public static DatasetConfig of(Path processedDir, Path metadataDir, Path outDir, Path validationDir) {
        return new DatasetConfig(processedDir, metadataDir, outDir, validationDir, DEFAULT_SPLIT, DEFAULT_SEED, false,
                null, 1, AudioPlacement.LINK, LicensePolicy.defaults(), HfDatasetWriter.DEFAULT_MAX_SHARD_BYTES);
    }

    public DatasetConfig withSplit(double split, long seed) {
        return new DatasetConfig(processedDir, metadataDir, outDir, validationDir, split, seed, groupByArtist,
                relativeTo, repeat, placement, licenses, maxShardBytes);
    }

    public DatasetConfig withGroupByArtist(boolean group) {
        return new DatasetConfig(processedDir, metadataDir, outDir, validationDir, split, seed, group, relativeTo,
                repeat, placement, licenses, maxShardBytes);
    }

    public DatasetConfig withRelativeTo(Path base) {
        return new DatasetConfig(processedDir, metadataDir, outDir, validationDir, split, seed, groupByArtist, base,
                repeat, placement, licenses, maxShardBytes);
    }

    public DatasetConfig withRepeat(int n) {
        return new DatasetConfig(processedDir, metadataDir, outDir, validationDir, split, seed, groupByArtist,
                relativeTo, n, placement, licenses, maxShardBytes);
    }

    public DatasetConfig withPlacement(AudioPlacement p) {
        return new DatasetConfig(processedDir, metadataDir, outDir, validationDir, split, seed, groupByArtist,
                relativeTo, repeat, p, licenses, maxShardBytes);
    }

    public DatasetConfig withLicenses(LicensePolicy policy) {
        return new DatasetConfig(processedDir, metadataDir, outDir, validationDir, split, seed, groupByArtist,
                relativeTo, repeat, placement, policy, maxShardBytes);
    }

    public DatasetConfig withMaxShardBytes(long bytes) {
        return new DatasetConfig(processedDir, metadataDir, outDir, validationDir, split, seed, groupByArtist,
                relativeTo, repeat, placement, licenses, bytes);
    }
}
