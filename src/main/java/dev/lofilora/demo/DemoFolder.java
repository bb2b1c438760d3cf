package dev.lofilora.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.StaleFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides, before the demo writes anything, whether its working folder can be used: it is empty (or absent), or
 * it holds a demo made with the same settings (then the run resumes). A folder with a demo made with other settings
 * (another {@code --seed}, clip count or length) would mix two demos and fail half-way, so the run stops with exit
 * code 2 and changes nothing, unless {@code --clean} asks to delete that demo's folders and start over. The settings
 * are recorded in {@code <work>/demo.json}; a demo folder from a version without it is recognised by its
 * sources.json (every entry made by the demo synthesiser).
 */
final class DemoFolder {
    static final String ARTIST = "lofi-lora demo synthesiser";
    private static final List<String> SUBFOLDERS = List.of("raw", "metadata", "processed", "final", "validation", "cache",
            "runs", "generated");

    record Settings(long seed, int styles, int clipsPerStyle, double seconds, int unlabelled) {
        String describe() {
            return String.format(Locale.ROOT, "--seed %d --styles %d --clips-per-style %d --seconds %s --unlabelled %d",
                    seed, styles, clipsPerStyle, trim(seconds), unlabelled);
        }

        private static String trim(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }

    private final DemoConfig config;

    DemoFolder(DemoConfig config) { this.config = config; }

    /** Checks the folder (and cleans it when asked), then records this run's settings. */
    void prepare(List<String> clips) throws IOException {
        Settings want = new Settings(config.seed(), config.styles(), config.clipsPerStyle(), config.seconds(),
                config.unlabelled());
        Settings have = read();
        if (!(have != null && have.equals(want)) && !isEmpty() && !(have == null && legacySameClips(clips))) {
            String what = have != null ? "a demo made with " + have.describe()
                    : demoMade() ? "a demo made with other settings" : "files that are not a lofi demo";
            if (!config.clean()) {
                throw new LofiException(config.workDir(), "holds " + what + "; this run (" + want.describe()
                        + ") would mix two demos, so nothing was changed",
                        "use another --out, or add --clean to delete that demo's raw/, metadata/, processed/, final/, "
                                + "validation/, cache/, runs/ and generated/ and start over");
            }
            if (have == null && !demoMade()) {
                throw new LofiException(config.workDir(), "is not a demo folder (no demo.json, and its sources.json is "
                        + "not the demo's); --clean deletes only demo folders, so nothing was changed", "use another --out");
            }
            for (String sub : SUBFOLDERS) StaleFiles.deleteTree(config.workDir().resolve(sub));
            Files.deleteIfExists(config.settingsFile());
        }
        Json.write(config.settingsFile(), want);
    }

    private Settings read() {
        Path f = config.settingsFile();
        if (!Files.isRegularFile(f)) return null;
        try {
            JsonNode n = Json.MAPPER.readTree(f.toFile());
            return new Settings(n.path("seed").asLong(), n.path("styles").asInt(), n.path("clipsPerStyle").asInt(),
                    n.path("seconds").asDouble(), n.path("unlabelled").asInt());
        } catch (IOException e) {
            return null;
        }
    }

    private boolean isEmpty() throws IOException {
        if (!Files.isDirectory(config.workDir())) return true;
        try (Stream<Path> s = Files.list(config.workDir())) {
            return s.findAny().isEmpty();
        }
    }

    /** Every sources.json entry was made by the demo synthesiser. */
    private boolean demoMade() {
        Path sources = config.metadataDir().resolve("sources.json");
        if (!Files.isRegularFile(sources)) return false;
        try {
            JsonNode tracks = Json.MAPPER.readTree(sources.toFile()).path("tracks");
            if (!tracks.isArray() || tracks.isEmpty()) return false;
            for (JsonNode t : tracks) if (!ARTIST.equals(t.path("artist").asText())) return false;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A demo folder without demo.json whose clips are exactly the ones this run makes (an earlier version's run). */
    private boolean legacySameClips(List<String> clips) throws IOException {
        if (!demoMade()) return false;
        Path own = config.rawDir().resolve("own");
        Set<String> have = new HashSet<>();
        if (Files.isDirectory(own)) {
            try (Stream<Path> s = Files.list(own)) {
                s.forEach(p -> have.add(p.getFileName().toString().replaceFirst("\\.wav$", "")));
            }
        }
        List<String> names = new ArrayList<>();
        JsonNode tracks = Json.MAPPER.readTree(config.metadataDir().resolve("sources.json").toFile()).path("tracks");
        for (JsonNode t : tracks) names.add(t.path("file").asText().replaceFirst("^own/", "").replaceFirst("\\.wav$", ""));
        return Set.copyOf(clips).containsAll(have) && names.equals(clips);
    }
}
