package dev.lofilora.preprocess;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link PreprocessJob#run}.
 *
 * @param dataDir   the dataset folder read
 * @param cacheDir  the cache folder written
 * @param model     where the frozen components came from
 * @param device    "cpu" or "cuda:N"
 * @param encoders  the component stamps written into every cache file (hash and dimensions per component)
 * @param tracks    one report per track, in key order
 * @param totals    counts per status
 * @param seconds   wall time of the run
 */
public record PreprocessResult(@JsonProperty("data_dir") String dataDir,
                               @JsonProperty("cache_dir") String cacheDir,
                               @JsonProperty("model") String model,
                               @JsonProperty("device") String device,
                               @JsonProperty("encoders") Map<String, Object> encoders,
                               @JsonProperty("tracks") List<TrackReport> tracks,
                               @JsonProperty("totals") Totals totals,
                               @JsonProperty("seconds") double seconds) {
    public PreprocessResult {
        tracks = List.copyOf(tracks);
    }

    /** Tracks per status. */
    public record Totals(@JsonProperty("tracks") int tracks, @JsonProperty("encoded") int encoded,
                         @JsonProperty("unchanged") int unchanged, @JsonProperty("dropped") int dropped,
                         @JsonProperty("failed") int failed) {
        static Totals of(List<TrackReport> tracks) {
            int e = 0, u = 0, d = 0, f = 0;
            for (TrackReport t : tracks) {
                switch (t.status()) {
                    case ENCODED -> e++;
                    case UNCHANGED -> u++;
                    case DROPPED -> d++;
                    case FAILED -> f++;
                }
            }
            return new Totals(tracks.size(), e, u, d, f);
        }
    }

    /** Every track has a cache entry (exit code 0); a drop or a failure gives exit code 1. */
    public boolean allCached() {
        return totals.dropped() == 0 && totals.failed() == 0;
    }
}
