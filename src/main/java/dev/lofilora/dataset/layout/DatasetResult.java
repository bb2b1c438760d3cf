package dev.lofilora.dataset.layout;

import java.nio.file.Path;

/**
 * What {@link DatasetJob} wrote.
 *
 * @param outDir        the training folder (ACE-Step layout + {@code hf_dataset/} + {@code manifest.json})
 * @param validationDir the validation folder (same layout)
 * @param manifest      the manifest written into both
 */
public record DatasetResult(Path outDir, Path validationDir, DatasetManifest manifest) {}
