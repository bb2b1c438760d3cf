package dev.lofilora.dataset.layout;

import dev.lofilora.dataset.sources.SourcesFile;
import dev.lofilora.dataset.sources.TrackSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The entries of {@code sources.json} by output name (the track's unique key), for the prompts and dataset stages.
 * Loading goes through {@link SourcesFile} (the one schema and validation of the project). An entry that
 * {@code process} rejects (a file escaping the raw folder, a duplicate file, colliding output names) is left out
 * here too, with a warning, as {@code process} rejects only those entries: a processed file whose name only such an
 * entry gives then has no entry, and the stage stops with that entry's problem in the message. A part of a long mix
 * ({@code <name>_partNN}, written by {@code process --split-long}) inherits its parent's entry. Immutable.
 */
public final class SourcesIndex {
    private static final Pattern PART = Pattern.compile("(.+)_part\\d{2,3}");

    private final Path file;
    private final Map<String, TrackSource> byName;
    private final Map<String, String> rejected;
    private final List<String> warnings;

    private SourcesIndex(Path file, Map<String, TrackSource> byName, Map<String, String> rejected, List<String> warnings) {
        this.file = file;
        this.byName = Collections.unmodifiableMap(byName);
        this.rejected = Collections.unmodifiableMap(rejected);
        this.warnings = List.copyOf(warnings);
    }

    public static SourcesIndex read(Path file) {
        SourcesFile sources = SourcesFile.load(file);
        Map<String, TrackSource> byName = new LinkedHashMap<>();
        Map<String, String> rejected = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (SourcesFile.Entry e : sources.entries()) {
            String name = e.track().outputName();
            if (!e.accepted()) {
                String why = "line " + e.line() + " (\"" + e.track().file() + "\"): " + String.join("; ", e.problems());
                rejected.merge(name, why, (a, b) -> a + "; " + b);
                warnings.add(file + " " + why + " (entry left out, as lofi process rejects it)");
                continue;
            }
            byName.put(name, e.track());
        }
        // A name given by an accepted entry and a rejected one is ambiguous: leave both out.
        for (String name : rejected.keySet()) byName.remove(name);
        return new SourcesIndex(file, byName, rejected, warnings);
    }

    public Path file() { return file; }

    /** The entry of {@code outputName}, or of the long mix it is a part of ({@code <name>_partNN}). */
    public Optional<TrackSource> get(String outputName) {
        TrackSource t = byName.get(outputName);
        if (t != null) return Optional.of(t);
        Matcher m = PART.matcher(outputName);
        if (m.matches()) return Optional.ofNullable(byName.get(m.group(1)));
        return Optional.empty();
    }

    /** Why the entry that would give {@code outputName} was left out, or null. */
    public String rejection(String outputName) {
        String r = rejected.get(outputName);
        if (r != null) return r;
        Matcher m = PART.matcher(outputName);
        return m.matches() ? rejected.get(m.group(1)) : null;
    }

    /** One line per entry left out. */
    public List<String> warnings() { return warnings; }

    /** Output name → entry, in file order. */
    public Map<String, TrackSource> all() { return byName; }
}
