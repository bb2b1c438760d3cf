package dev.lofilora.dataset.layout;

import dev.lofilora.dataset.sources.SourcesFile;
import dev.lofilora.dataset.sources.TrackSource;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of {@code sources.json} by output name (the track's unique key), for the prompts and dataset stages.
 * Loading goes through {@link SourcesFile} (the one schema and validation of the project); any entry it rejects
 * (a file escaping the raw folder, a duplicate file, colliding output names) stops these stages with every problem
 * listed, because they write the training set and must not silently drop or mix up a track. Immutable.
 */
public final class SourcesIndex {
    private final Path file;
    private final Map<String, TrackSource> byName;

    private SourcesIndex(Path file, Map<String, TrackSource> byName) {
        this.file = file;
        this.byName = Collections.unmodifiableMap(byName);
    }

    public static SourcesIndex read(Path file) {
        SourcesFile sources = SourcesFile.load(file);
        Problems problems = new Problems();
        Map<String, TrackSource> byName = new LinkedHashMap<>();
        for (SourcesFile.Entry e : sources.entries()) {
            if (!e.accepted()) {
                for (String p : e.problems()) problems.add(file, "line " + e.line() + " (\"" + e.track().file() + "\"): " + p);
                continue;
            }
            byName.put(e.track().outputName(), e.track());
        }
        problems.throwIfAny(file + " is invalid", "fix the entries listed and run again");
        return new SourcesIndex(file, byName);
    }

    public Path file() { return file; }

    public Optional<TrackSource> get(String outputName) { return Optional.ofNullable(byName.get(outputName)); }

    /** Output name → entry, in file order. */
    public Map<String, TrackSource> all() { return byName; }
}
