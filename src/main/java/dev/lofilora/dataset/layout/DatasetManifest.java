package dev.lofilora.dataset.layout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}, written into both dataset folders: how the dataset was made (seed, split parameters), what
 * is in each split (tracks and hours per style), the licences used, and every track.
 */
@JsonPropertyOrder({"format", "seed", "split", "group_by_artist", "repeat", "paths", "audio", "train", "validation",
        "licenses", "warnings", "tracks"})
public record DatasetManifest(
        @JsonProperty("format") int format,
        @JsonProperty("seed") long seed,
        @JsonProperty("split") double split,
        @JsonProperty("group_by_artist") boolean groupByArtist,
        @JsonProperty("repeat") int repeat,
        @JsonProperty("paths") String paths,
        @JsonProperty("audio") String audio,
        @JsonProperty("train") Side train,
        @JsonProperty("validation") Side validation,
        @JsonProperty("licenses") Map<String, Integer> licenses,
        @JsonProperty("warnings") List<String> warnings,
        @JsonProperty("tracks") List<Track> tracks) {

    public static final int FORMAT = 1;
    public static final String FILE = "manifest.json";

    /**
     * One split.
     *
     * @param folder          the folder (absolute)
     * @param tracks          tracks in it
     * @param rows            rows of its hf_dataset (tracks × repeat for train)
     * @param hours           total audio hours of the tracks whose duration is known
     * @param unknownDuration tracks whose duration is not in a WAV header (other formats are never decoded here)
     * @param styles          style id → tracks and hours
     */
    public record Side(@JsonProperty("folder") String folder, @JsonProperty("tracks") int tracks,
                       @JsonProperty("rows") long rows, @JsonProperty("hours") double hours,
                       @JsonProperty("unknown_duration") int unknownDuration,
                       @JsonProperty("styles") Map<String, StyleCount> styles) {}

    public record StyleCount(@JsonProperty("tracks") int tracks, @JsonProperty("hours") double hours) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Track(@JsonProperty("key") String key, @JsonProperty("split") String split,
                        @JsonProperty("style") String style, @JsonProperty("category") String category,
                        @JsonProperty("artist") String artist, @JsonProperty("license") String license,
                        @JsonProperty("seconds") Double seconds) {}
}
