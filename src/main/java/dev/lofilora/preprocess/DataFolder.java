package dev.lofilora.preprocess;

import dev.lofilora.common.LofiException;
import dev.lofilora.dataset.layout.ProcessedFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tracks of a dataset folder in ACE-Step's converter layout (what {@code lofi dataset} writes): audio files
 * {@code <key>.<ext>} at the top level with {@code <key>_prompt.txt} and {@code <key>_lyrics.txt} beside them. Sorted
 * by key. A missing text file is the track's own failure, reported by the job; two audio files of one key, an absent
 * folder or a folder without audio are errors of the whole run.
 */
final class DataFolder {
    record Track(String key, Path audio, Path promptFile, Path lyricsFile) {}

    private DataFolder() {}

    static List<Track> scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new LofiException(dir, Files.exists(dir) ? "is not a folder" : "does not exist",
                    "point --data at the folder lofi dataset wrote (e.g. data/final)");
        }
        Map<String, Path> byKey = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (name.startsWith(".") || dot <= 0 || !Files.isRegularFile(p)) continue;
                String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
                if (!ProcessedFolder.AUDIO_EXTENSIONS.contains(ext)) continue;
                String key = name.substring(0, dot);
                Path before = byKey.putIfAbsent(key, p);
                if (before != null) duplicates.add(before.getFileName() + " and " + name);
            }
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check its permissions");
        }
        if (!duplicates.isEmpty()) {
            throw new LofiException(dir, "holds two audio files for one key: " + String.join("; ", duplicates),
                    "keep one audio file per track (rebuild the folder with lofi dataset)");
        }
        if (byKey.isEmpty()) {
            throw new LofiException(dir, "holds no audio files (" + String.join(", ", ProcessedFolder.AUDIO_EXTENSIONS) + ")",
                    "run lofi dataset first and point --data at its output (e.g. data/final)");
        }
        return byKey.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new Track(e.getKey(), e.getValue(), dir.resolve(e.getKey() + "_prompt.txt"),
                        dir.resolve(e.getKey() + "_lyrics.txt")))
                .toList();
    }
}
