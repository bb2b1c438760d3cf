package dev.lofilora.metrics.validate;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The fixed, seeded prompt set {@code lofi validate --run} renders for every checkpoint of a run ({@link RunGeneration}): {@code clipsPerStyle} prompts per style of the validation split, drawn from its
 * tracks' own prompts (sorted by id, then a seeded shuffle per style; a style with fewer tracks than that repeats
 * them, each repeat with its own generation seed). Written as the {@code prompts.json} that {@link ClipFolders} reads
 * back beside the generated clips, so the same ids pair audio and prompt.
 */
public record PromptSet(long seed, int clipsPerStyle, List<Entry> clips) {
    /** One clip to generate: id, prompt, style, the reference track it came from, and its generation seed. */
    public record Entry(String id, String prompt, String style, String source, long seed) {}

    public PromptSet {
        clips = List.copyOf(clips);
    }

    public static PromptSet fromReference(List<Clip> reference, int clipsPerStyle, long seed) {
        if (clipsPerStyle < 1) throw new LofiException("clips per style must be at least 1", "use e.g. 4");
        Map<String, List<Clip>> byStyle = new TreeMap<>();
        for (Clip c : reference) byStyle.computeIfAbsent(c.style(), s -> new ArrayList<>()).add(c);
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, List<Clip>> e : byStyle.entrySet()) {
            List<Clip> tracks = new ArrayList<>(e.getValue());
            tracks.sort(java.util.Comparator.comparing(Clip::id));
            Collections.shuffle(tracks, new Random(seed * 31 + e.getKey().hashCode()));
            String style = e.getKey().isEmpty() ? "unlabelled" : e.getKey();
            for (int k = 0; k < clipsPerStyle; k++) {
                Clip src = tracks.get(k % tracks.size());
                String id = style.replaceAll("[^A-Za-z0-9_-]", "_") + "_" + String.format("%02d", k);
                out.add(new Entry(id, src.prompt(), e.getKey(), src.id(), seed + out.size()));
            }
        }
        return new PromptSet(seed, clipsPerStyle, out);
    }

    /** Writes {@code <dir>/prompts.json} atomically. */
    public void write(Path dir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", seed);
        m.put("clips_per_style", clipsPerStyle);
        m.put("clips", clips);
        Json.write(dir.resolve(ClipFolders.PROMPTS_JSON), m);
    }
}
