package dev.lofilora.dataset.curate;

import dev.lofilora.audio.io.AudioProbe;
import dev.lofilora.common.FolderLock;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.common.Writable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code lofi sources init}: writes a skeleton {@code sources.json} with one entry per audio file of the raw folder,
 * so the user only fills in what a machine cannot know (the licence and where it is stated).
 *
 * <p>Per file: {@code file} (relative to the raw folder), {@code title} and {@code artist} from the file's tags when
 * present (else the title from the file name, the artist from {@code --artist}), {@code license} and
 * {@code license_evidence} from the options, {@code tier} from the first sub-folder ({@code raw/<tier>/...}, else
 * {@code main}), {@code category} from the option. A field it cannot fill is left empty ({@code ""}), so
 * {@code lofi sources check} and {@code lofi process} list it instead of running on a guess. Files whose default
 * output names would collide get a distinct {@code name}. An existing file is never overwritten unless
 * {@code force}; then it is kept as {@code sources.json.bak}.
 */
public final class SourcesInit {
    /**
     * @param rawDir      the folder of source audio
     * @param sourcesFile the file to write
     * @param license     licence id for every entry, or null (left empty)
     * @param evidence    where the licence is stated, or null (left empty)
     * @param artist      artist for files without an artist tag, or null
     * @param category    the output category of every entry
     * @param force       overwrite an existing file (keeping it as {@code .bak})
     */
    public record Config(Path rawDir, Path sourcesFile, String license, String evidence, String artist, String category,
                         boolean force) {}

    /**
     * @param sourcesFile the file written
     * @param tracks      entries written
     * @param titlesFromTags entries whose title came from the file's tags
     * @param artistsFromTags entries whose artist came from the file's tags
     * @param toFill      field → entries where it is still empty (fill these in before {@code lofi process})
     * @param skipped     files that are not readable audio, with why (left out)
     * @param backup      the earlier file kept as {@code .bak}, or null
     */
    public record Result(Path sourcesFile, int tracks, int titlesFromTags, int artistsFromTags, Map<String, Integer> toFill,
                         List<String> skipped, Path backup) {}

    private final Config config;

    public SourcesInit(Config config) { this.config = config; }

    public Result run(ProgressListener progress) throws IOException {
        Path raw = config.rawDir();
        if (!Files.isDirectory(raw)) {
            throw new LofiException(raw, "is not a folder", "pass the folder that holds your source audio (e.g. data/raw)");
        }
        if (config.category() == null || !config.category().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new LofiException("--category '" + config.category() + "' is not a plain folder name",
                    "use letters, digits, '.', '_', '-' (e.g. main)");
        }
        Path target = config.sourcesFile();
        if (Files.exists(target) && !config.force()) {
            throw new LofiException(target, "exists already; nothing was written",
                    "check it with lofi sources check, or pass --force to replace it (the current file is kept as "
                            + target.getFileName() + ".bak)");
        }
        Path folder = target.toAbsolutePath().getParent();
        Writable.require(folder, "--metadata");
        try (FolderLock lock = FolderLock.acquire(folder, "lofi sources init " + raw)) {
            return write(raw, target, progress);
        }
    }

    private Result write(Path raw, Path target, ProgressListener progress) throws IOException {
        List<Path> files = audioFiles(raw);
        progress.start("sources init", files.size());
        List<Map<String, Object>> tracks = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, Integer> toFill = new TreeMap<>();
        Set<String> names = new HashSet<>();
        int titles = 0, artists = 0;
        for (Path f : files) {
            String rel = raw.relativize(f).toString().replace('\\', '/');
            AudioProbe.Info info;
            try {
                info = AudioProbe.probe(f);
            } catch (LofiException e) {
                skipped.add(rel + ": " + e.problem());
                progress.advance(1, rel);
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("file", rel);
            String stem = stem(f.getFileName().toString());
            String name = stem.replaceAll("[^A-Za-z0-9._-]", "_");
            if (!names.add(name.toLowerCase(Locale.ROOT))) { // same default name as an earlier file: make it distinct
                String base = name.matches("[A-Za-z0-9].*") ? name : "track_" + name;
                int i = 2;
                while (!names.add((base + "_" + i).toLowerCase(Locale.ROOT))) i++;
                e.put("name", base + "_" + i);
            }
            String title = info.tag("title");
            if (title != null) titles++;
            e.put("title", title != null ? title : stem.replace('_', ' ').replace('-', ' ').strip());
            String artist = info.tag("artist");
            if (artist == null) artist = info.tag("album_artist");
            if (artist != null) artists++;
            e.put("artist", fill(artist != null ? artist : config.artist(), "artist", toFill));
            e.put("source_url", "");
            e.put("license", fill(config.license(), "license", toFill));
            e.put("license_evidence", fill(config.evidence(), "license_evidence", toFill));
            int slash = rel.indexOf('/');
            e.put("tier", slash > 0 ? rel.substring(0, slash) : "main");
            e.put("category", config.category());
            tracks.add(e);
            progress.advance(1, rel);
        }
        progress.finish();
        Path backup = null;
        if (Files.exists(target)) {
            backup = target.resolveSibling(target.getFileName() + ".bak");
            Files.copy(target, backup, StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("_comment", "written by lofi sources init: fill in every empty field (license and license_evidence "
                + "above all; docs/sources-schema.md), then run lofi sources check");
        root.put("version", 1);
        root.put("tracks", tracks);
        Json.write(target, root);
        return new Result(target, tracks.size(), titles, artists, toFill, skipped, backup);
    }

    private static String fill(String value, String field, Map<String, Integer> toFill) {
        if (value == null || value.isBlank()) {
            toFill.merge(field, 1, Integer::sum);
            return "";
        }
        return value.strip();
    }

    /** Audio files (by extension) under {@code raw}, hidden ones skipped, sorted. */
    static List<Path> audioFiles(Path raw) throws IOException {
        try (Stream<Path> s = Files.walk(raw)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        for (Path part : raw.relativize(p)) if (part.toString().startsWith(".")) return false;
                        String n = p.getFileName().toString();
                        int dot = n.lastIndexOf('.');
                        return dot > 0 && ProcessJob.AUDIO_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
                    })
                    .sorted()
                    .toList();
        }
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
