package dev.lofilora.dataset.layout;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link DatasetChecker} found.
 *
 * @param dir        the dataset folder checked
 * @param audioFiles audio files in it
 * @param rows       rows of its hf_dataset (0 when it could not be read)
 * @param problems   every problem, each naming its file; empty when the dataset is sound
 */
public record DatasetCheckReport(@JsonProperty("dir") @JsonSerialize(using = ToStringSerializer.class) Path dir, @JsonProperty("audio_files") int audioFiles,
                                 @JsonProperty("rows") long rows, @JsonProperty("problems") List<String> problems) {
    public DatasetCheckReport {
        problems = List.copyOf(problems);
    }

    @JsonProperty("ok")
    public boolean ok() { return problems.isEmpty(); }
}
