package dev.lofilora.dataset.layout;

import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the audio files of a processed folder ({@code <dir>/<category>/<name>.wav}, or files at its top level) and
 * matches each to its sources.json entry by output name. Lists only file names; no audio is read.
 */
public final class ProcessedFolder {
    /** Audio the stages accept: {@code process} writes WAV; the others allow a hand-made folder (ACE-Step's is mp3). */
    public static final Set<String> AUDIO_EXTENSIONS = Set.of("wav", "flac", "mp3", "ogg", "m4a");

    private ProcessedFolder() {}

    /**
     * The tracks, sorted by key. Throws a {@link LofiException} (listing every problem) when the folder is missing
     * or holds no audio, when two files share a key, or when a file has no sources.json entry.
     */
    public static List<ProcessedTrack> scan(Path dir, SourcesIndex sources) {
        List<Path> files = audioFiles(dir);
        Problems problems = new Problems();
        Map<String, Path> seen = new HashMap<>();
        List<ProcessedTrack> tracks = new ArrayList<>();
        for (Path f : files) {
            String key = stem(f.getFileName().toString());
            Path previous = seen.putIfAbsent(key, f);
            if (previous != null) {
                problems.add(f, "has the same key \"" + key + "\" as " + previous + " (keys must be unique)");
                continue;
            }
            var source = sources.get(key);
            if (source.isEmpty()) {
                String rejected = sources.rejection(key);
                problems.add(f, "has no entry in " + sources.file() + (rejected != null
                        ? " (the entry for \"" + key + "\" is rejected: " + rejected + ")"
                        : " (no entry's output name is \"" + key + "\")"));
                continue;
            }
            Path parent = f.getParent();
            String category = parent.equals(dir) ? "" : parent.getFileName().toString();
            tracks.add(new ProcessedTrack(key, category, f, source.get()));
        }
        problems.throwIfAny("the processed folder " + dir + " does not match sources.json",
                "every processed file needs a unique name and a sources.json entry (with its licence)");
        tracks.sort(Comparator.comparing(ProcessedTrack::key));
        return tracks;
    }

    /**
     * Audio files at depth 1 and 2, sorted by path; hidden files and folders (temporary files, the
     * {@code .lofi-kept/} folder where {@code process} moves files out of an output's way) are skipped.
     */
    static List<Path> audioFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new LofiException(dir, "is not a folder", "pass the processed folder (lofi process writes data/processed)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir, 2)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !dir.relativize(p).toString().startsWith("."))
                    .filter(p -> AUDIO_EXTENSIONS.contains(extension(p.getFileName().toString())))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check the folder's permissions", e);
        } catch (UncheckedIOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getCause().getMessage(), "check the folder's permissions", e);
        }
        if (files.isEmpty()) {
            throw new LofiException(dir, "holds no audio files (" + String.join(", ", AUDIO_EXTENSIONS.stream().sorted().toList())
                    + ") at its top level or in category sub-folders", "run lofi process first, or pass the right folder");
        }
        return files;
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }
}
