package dev.lofilora.dataset.layout;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.nio.file.Path;

/**
 * What {@link DatasetJob} wrote.
 *
 * @param outDir        the training folder (ACE-Step layout + {@code hf_dataset/} + {@code manifest.json})
 * @param validationDir the validation folder (same layout)
 * @param manifest      the manifest written into both
 * @param cleaned       unfinished dataset folders of interrupted runs that were removed before starting
 */
public record DatasetResult(@JsonProperty("out_dir") @JsonSerialize(using = ToStringSerializer.class) Path outDir,
                            @JsonProperty("validation_dir") @JsonSerialize(using = ToStringSerializer.class) Path validationDir,
                            @JsonProperty("manifest") DatasetManifest manifest,
                            @JsonProperty("cleaned") java.util.List<String> cleaned) {
    public DatasetResult {
        cleaned = cleaned == null ? java.util.List.of() : java.util.List.copyOf(cleaned);
    }

    public DatasetResult(Path outDir, Path validationDir, DatasetManifest manifest) {
        this(outDir, validationDir, manifest, java.util.List.of());
    }
}
