package dev.lofilora.metrics.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the two kinds of clip folders {@code lofi validate} scores, pairing audio and prompt by id (the file stem),
 * never by listing order, and sorted by id:
 * <ul>
 *   <li>a <b>reference</b> folder ({@code lofi dataset}'s validation split): {@code <name>.<ext>} beside
 *       {@code <name>_prompt.txt}; styles from its {@code manifest.json} when present;</li>
 *   <li>a <b>generated</b> folder (one per checkpoint): either a {@code prompts.json}
 *       ({@code {"clips": [{"id", "prompt", "style"}]}}, what generation writes) with {@code <id>.<ext>} beside it, or
 *       {@code <id>.<ext>} beside {@code <id>_prompt.txt}.</li>
 * </ul>
 * Every audio file needs a prompt and every prompt its audio; anything else is a {@link LofiException} listing the
 * problems, raised before anything is scored or written.
 */
public final class ClipFolders {
    /** Audio extensions read (FFmpeg decodes them). */
    public static final Set<String> AUDIO = Set.of("wav", "flac", "mp3", "ogg", "opus", "m4a");
    public static final String PROMPTS_JSON = "prompts.json";
    static final String PROMPT_SUFFIX = "_prompt.txt";

    private ClipFolders() {}

    /** The clips of a validation split folder. */
    public static List<Clip> reference(Path dir) {
        Map<String, Path> audio = audioFiles(dir);
        Map<String, String> styles = manifestStyles(dir);
        List<String> problems = new ArrayList<>();
        List<Clip> clips = new ArrayList<>();
        for (Map.Entry<String, Path> e : audio.entrySet()) {
            Path prompt = dir.resolve(e.getKey() + PROMPT_SUFFIX);
            if (!Files.isRegularFile(prompt)) {
                problems.add(e.getValue().getFileName() + " has no " + prompt.getFileName());
                continue;
            }
            clips.add(new Clip(e.getKey(), e.getValue(), read(prompt), styles.getOrDefault(e.getKey(), "")));
        }
        orphanPrompts(dir, audio, problems);
        fail(dir, problems, "every reference track needs <name>_prompt.txt beside it (lofi prompts writes them; "
                + "lofi dataset copies them into the validation folder)");
        if (clips.isEmpty()) {
            throw new LofiException(dir, "holds no audio files (" + String.join(", ", AUDIO) + ")",
                    "point --reference at the validation folder lofi dataset wrote (e.g. data/validation)");
        }
        return clips;
    }

    /** The clips of a folder of generated audio. */
    public static List<Clip> generated(Path dir) {
        Map<String, Path> audio = audioFiles(dir);
        List<String> problems = new ArrayList<>();
        List<Clip> clips = new ArrayList<>();
        Path json = dir.resolve(PROMPTS_JSON);
        if (Files.isRegularFile(json)) {
            JsonNode list = Json.readTree(json).path("clips");
            if (!list.isArray()) {
                throw new LofiException(json, "has no \"clips\" list", "write {\"clips\": [{\"id\", \"prompt\", \"style\"}]}");
            }
            Map<String, Boolean> seen = new HashMap<>();
            for (JsonNode c : list) {
                String id = c.path("id").asText(""), prompt = c.path("prompt").asText("");
                if (id.isEmpty() || prompt.isEmpty()) {
                    problems.add("an entry without \"id\" or \"prompt\": " + c);
                } else if (seen.put(id, true) != null) {
                    problems.add("id \"" + id + "\" appears twice");
                } else if (!audio.containsKey(id)) {
                    problems.add("prompt \"" + id + "\" has no audio (" + id + ".wav or another of "
                            + String.join(", ", AUDIO) + ")");
                } else {
                    clips.add(new Clip(id, audio.get(id), prompt, c.path("style").asText("")));
                }
            }
            for (String id : audio.keySet()) {
                if (!seen.containsKey(id)) problems.add(audio.get(id).getFileName() + " is not listed in " + PROMPTS_JSON);
            }
        } else {
            for (Map.Entry<String, Path> e : audio.entrySet()) {
                Path prompt = dir.resolve(e.getKey() + PROMPT_SUFFIX);
                if (Files.isRegularFile(prompt)) clips.add(new Clip(e.getKey(), e.getValue(), read(prompt), ""));
                else problems.add(e.getValue().getFileName() + " has no prompt (" + prompt.getFileName() + " or an entry in "
                        + PROMPTS_JSON + ")");
            }
            orphanPrompts(dir, audio, problems);
        }
        fail(dir, problems, "pair every generated clip with its prompt by id");
        if (clips.isEmpty()) {
            throw new LofiException(dir, "holds no generated clips", "generate audio into it first (one folder per "
                    + "checkpoint), or point at the right folder");
        }
        clips.sort(java.util.Comparator.comparing(Clip::id));
        return clips;
    }

    /** Stem → audio file, sorted; two files with one stem are an error. */
    private static Map<String, Path> audioFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new LofiException(dir, Files.exists(dir) ? "is not a folder" : "does not exist", "give a folder of clips");
        }
        Map<String, Path> out = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (dot <= 0 || name.startsWith(".") || !Files.isRegularFile(p)) continue;
                if (!AUDIO.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) continue;
                Path before = out.put(name.substring(0, dot), p);
                if (before != null) problems.add("two audio files for \"" + name.substring(0, dot) + "\": "
                        + before.getFileName() + ", " + name);
            }
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check permissions", e);
        }
        fail(dir, problems, "keep one audio file per clip");
        return out;
    }

    private static void orphanPrompts(Path dir, Map<String, Path> audio, List<String> problems) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.endsWith(PROMPT_SUFFIX)) continue;
                String id = name.substring(0, name.length() - PROMPT_SUFFIX.length());
                if (!audio.containsKey(id)) problems.add("prompt " + name + " has no audio (" + id + ".wav or another of "
                        + String.join(", ", AUDIO) + ")");
            }
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check permissions", e);
        }
    }

    /** Track key → style from a lofi dataset manifest.json (empty when absent or unreadable as such). */
    private static Map<String, String> manifestStyles(Path dir) {
        Path m = dir.resolve("manifest.json");
        Map<String, String> out = new HashMap<>();
        if (!Files.isRegularFile(m)) return out;
        for (JsonNode t : Json.readTree(m).path("tracks")) {
            String key = t.path("key").asText("");
            if (!key.isEmpty()) out.put(key, t.path("style").asText(""));
        }
        return out;
    }

    private static String read(Path p) {
        try {
            String s = Files.readString(p, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) throw new LofiException(p, "is empty", "write the clip's prompt into it");
            return s;
        } catch (IOException e) {
            throw new LofiException(p, "cannot be read: " + e.getMessage(), "check permissions", e);
        }
    }

    private static void fail(Path dir, List<String> problems, String fix) {
        if (problems.isEmpty()) return;
        throw new LofiException(dir, problems.size() + " problem(s): " + String.join("; ", problems), fix);
    }
}
