package dev.lofilora.dataset.layout;

import dev.lofilora.dataset.sources.LicensePolicy;

import dev.lofilora.common.LofiException;
import dev.lofilora.dataset.hf.AceStepRow;
import dev.lofilora.dataset.hf.HfDatasetReader;
import dev.lofilora.dataset.sources.TrackSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code lofi dataset --check}: validates an existing dataset folder (train or validation) and lists every problem:
 * audio without its {@code _prompt.txt} / {@code _lyrics.txt} (and text files without audio), two audio files with
 * one key, licence gaps (no sources.json entry, no licence, or one the policy does not allow), a missing or
 * unreadable {@code hf_dataset/}, rows pointing at missing files, one key with different rows, rows that differ from
 * the prompt and lyrics files beside the audio (a stale dataset), and audio the rows leave out. Audio is never read.
 * Only a missing folder is an exception ({@link LofiException}); everything else goes into the report.
 */
public final class DatasetChecker {
    private static final String PROMPT = "_prompt.txt";
    private static final String LYRICS = "_lyrics.txt";

    private final Path sourcesJson;
    private final LicensePolicy licenses;
    private final Path baseDir;

    /**
     * @param sourcesJson the sources.json with each track's licence
     * @param licenses    which licences are allowed
     * @param baseDir     the folder relative {@code filename}s are resolved against (where the trainer starts)
     */
    public DatasetChecker(Path sourcesJson, LicensePolicy licenses, Path baseDir) {
        this.sourcesJson = sourcesJson;
        this.licenses = licenses;
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    public DatasetCheckReport check(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new LofiException(dir, "is not a folder", "pass a dataset folder written by lofi dataset (e.g. data/final)");
        }
        Problems problems = new Problems();
        Map<String, Path> audio = audioByKey(dir, problems);
        for (var e : audio.entrySet()) {
            for (String suffix : List.of(PROMPT, LYRICS)) {
                Path f = dir.resolve(e.getKey() + suffix);
                if (!Files.isRegularFile(f)) problems.add(f, "is missing (audio " + e.getValue().getFileName() + " has no " + suffix + ")");
            }
        }
        orphanTexts(dir, audio, problems);
        checkLicenses(audio, problems);
        long rows = checkRows(dir, audio, problems);
        return new DatasetCheckReport(dir, audio.size(), rows, problems.items());
    }

    private static Map<String, Path> audioByKey(Path dir, Problems problems) {
        Map<String, Path> byKey = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!Files.isRegularFile(p) || name.startsWith(".")) continue;
                if (!ProcessedFolder.AUDIO_EXTENSIONS.contains(ProcessedFolder.extension(name))) continue;
                Path prev = byKey.putIfAbsent(ProcessedFolder.stem(name), p);
                if (prev != null) problems.add(p, "duplicate key \"" + ProcessedFolder.stem(name) + "\" (also " + prev.getFileName() + ")");
            }
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check its permissions", e);
        }
        return byKey;
    }

    private static void orphanTexts(Path dir, Map<String, Path> audio, Problems problems) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                for (String suffix : List.of(PROMPT, LYRICS)) {
                    if (name.endsWith(suffix) && !audio.containsKey(name.substring(0, name.length() - suffix.length()))) {
                        problems.add(p, "has no audio file beside it");
                    }
                }
            }
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check its permissions", e);
        }
    }

    private void checkLicenses(Map<String, Path> audio, Problems problems) {
        SourcesIndex sources;
        try {
            sources = SourcesIndex.read(sourcesJson);
        } catch (LofiException e) {
            problems.add(sourcesJson, "licences cannot be checked: " + e.problem());
            return;
        }
        for (var e : audio.entrySet()) {
            Optional<TrackSource> s = sources.get(e.getKey());
            if (s.isEmpty()) {
                problems.add(e.getValue(), "has no entry in " + sourcesJson + " (licence unknown)");
                continue;
            }
            String p = licenses.rejectionReason(s.get().license()).orElse(null);
            if (p != null) problems.add(e.getValue(), p);
        }
    }

    private long checkRows(Path dir, Map<String, Path> audio, Problems problems) {
        Path hf = dir.resolve(DatasetJob.HF_DIR);
        if (!Files.isDirectory(hf)) {
            problems.add(hf, "is missing (the trainer loads this folder); rebuild with lofi dataset");
            return 0;
        }
        Map<String, AceStepRow> firstRow = new HashMap<>();
        long[] count = {0};
        try {
            HfDatasetReader.forEach(hf, row -> {
                count[0]++;
                AceStepRow prev = firstRow.putIfAbsent(row.keys(), row);
                // Repeated rows (--repeat) are identical; one key with different content is two tracks colliding.
                if (prev != null) {
                    if (!prev.equals(row)) problems.add(hf, "duplicate key \"" + row.keys() + "\" with different rows (" + prev.filename() + ", " + row.filename() + ")");
                    return;
                }
                Path file = baseDir.resolve(row.filename()).normalize();
                if (!Files.isRegularFile(file)) problems.add(hf, "row \"" + row.keys() + "\" points to a missing file " + file);
                if (file.getParent() != null && file.getParent().equals(dir.toAbsolutePath().normalize())) {
                    staleRow(dir, row, problems);
                }
            });
        } catch (LofiException e) {
            problems.add(e.file(), e.problem());
            return count[0];
        }
        for (var e : audio.entrySet()) {
            if (!firstRow.containsKey(e.getKey())) problems.add(e.getValue(), "has no row in " + hf + " (rebuild with lofi dataset)");
        }
        return count[0];
    }

    /** A row that no longer matches the prompt and lyrics beside its audio: edited after the dataset was built. */
    private static void staleRow(Path dir, AceStepRow row, Problems problems) {
        Path prompt = dir.resolve(row.keys() + PROMPT);
        Path lyrics = dir.resolve(row.keys() + LYRICS);
        if (!Files.isRegularFile(prompt) || !Files.isRegularFile(lyrics)) return; // reported already
        try {
            AceStepRow expected = AceStepRow.fromFiles(row.keys(), row.filename(),
                    Files.readString(prompt, StandardCharsets.UTF_8), Files.readString(lyrics, StandardCharsets.UTF_8));
            if (!expected.tags().equals(row.tags())) problems.add(prompt, "differs from its hf_dataset row's tags (edited after lofi dataset; rebuild)");
            if (!expected.normLyrics().equals(row.normLyrics())) problems.add(lyrics, "differs from its hf_dataset row's norm_lyrics (edited after lofi dataset; rebuild)");
        } catch (IOException e) {
            problems.add(prompt, "cannot be read: " + e.getMessage());
        }
    }
}
