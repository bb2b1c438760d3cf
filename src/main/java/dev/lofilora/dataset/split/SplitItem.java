package dev.lofilora.dataset.split;

import java.util.Objects;

/**
 * One track to split.
 *
 * @param key    the track's unique key
 * @param style  its style id (the stratum)
 * @param artist its artist, or null/blank when unknown (then it is grouped with nothing)
 */
public record SplitItem(String key, String style, String artist) {
    public SplitItem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(style, "style");
    }
}
