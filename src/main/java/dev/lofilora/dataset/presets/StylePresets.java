package dev.lofilora.dataset.presets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.analysis.TempoKey;
import dev.lofilora.audio.synth.DrumPattern;
import dev.lofilora.audio.synth.SynthStyle;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The style presets of {@code config/style_presets.json}, validated against {@code config/tag_vocabulary.json}
 * on load. Immutable and thread-safe.
 *
 * <p>Validation errors are {@link LofiException}s naming the file, the preset id and the field: a missing
 * field, a wrong type, an unknown field, a duplicate or malformed id, a tag outside the vocabulary, a tempo
 * range outside 50..180 BPM or with min ≥ max, an unknown key name or mode, or synthesiser parameters out of
 * range. The number of presets is not checked (users may add presets; the project ships 38).
 */
public final class StylePresets {
    public static final String FILE = "style_presets.json";
    public static final double MIN_BPM = 50, MAX_BPM = 180;

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Set<String> PRESET_FIELDS = Set.of("id", "name", "description", "tags", "tempo_range",
            "keys", "modes", "instrumentation", "mix", "synth");
    private static final Set<String> SYNTH_FIELDS = Set.of("keys", "piano", "pad", "guitar", "arp", "chip", "bass",
            "drums", "drum_pattern", "swing", "crackle", "rain", "wow_cents", "flutter_cents", "lowpass_hz",
            "chord_tones", "beats_per_chord");

    private final List<StylePreset> presets;
    private final Map<String, StylePreset> byId;
    private final TagVocabulary vocabulary;

    private StylePresets(List<StylePreset> presets, TagVocabulary vocabulary) {
        this.presets = List.copyOf(presets);
        Map<String, StylePreset> index = new LinkedHashMap<>();
        presets.forEach(p -> index.put(p.id(), p));
        this.byId = index;
        this.vocabulary = vocabulary;
    }

    /** Loads both files from {@code config} (a user folder or the embedded defaults) and validates them. */
    public static StylePresets load(ConfigFiles config) {
        TagVocabulary vocabulary = TagVocabulary.load(config);
        Path file = config.describe(FILE);
        JsonNode root = PresetJson.read(config, FILE);
        JsonNode list = root.get("presets");
        if (list == null || !list.isArray()) {
            throw new LofiException(file, "has no \"presets\" list", "write {\"presets\": [{\"id\": ..., ...}]}");
        }
        List<StylePreset> presets = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            if (!node.isObject()) throw new LofiException(file, "preset #" + (i + 1) + " is not an object", "write {\"id\": ..., ...}");
            StylePreset p = parse(file, i, node, vocabulary);
            Integer previous = seen.put(p.id(), i + 1);
            if (previous != null) {
                throw new LofiException(file, "preset '" + p.id() + "' (#" + (i + 1) + "): duplicate id, already used by preset #"
                        + previous, "give every preset its own id");
            }
            presets.add(p);
        }
        if (presets.isEmpty()) throw new LofiException(file, "has no presets", "add at least one preset");
        return new StylePresets(presets, vocabulary);
    }

    private static StylePreset parse(Path file, int index, JsonNode n, TagVocabulary vocabulary) {
        String where0 = "preset #" + (index + 1);
        String id = PresetJson.text(file, where0, n, "id");
        String where = "preset '" + id + "'";
        if (!ID.matcher(id).matches()) {
            throw new LofiException(file, where + ": field 'id' must be snake_case ([a-z][a-z0-9_]*)", "rename it, e.g. lofi_hip_hop");
        }
        n.fieldNames().forEachRemaining(f -> {
            if (!PRESET_FIELDS.contains(f) && !f.startsWith("_")) {
                throw new LofiException(file, where + ": unknown field '" + f + "'", "known fields: " + PRESET_FIELDS
                        + " (prefix a field with _ for a comment)");
            }
        });
        String name = PresetJson.text(file, where, n, "name");
        String description = PresetJson.text(file, where, n, "description");
        List<String> tags = PresetJson.strings(file, where, n, "tags");
        for (String t : tags) {
            if (!vocabulary.contains(t)) {
                throw new LofiException(file, where + ": field 'tags': tag '" + t + "' is not in " + TagVocabulary.FILE,
                        "use a tag of the vocabulary or add it to a group of " + TagVocabulary.FILE);
            }
        }
        JsonNode range = PresetJson.field(file, where, n, "tempo_range");
        if (!range.isArray() || range.size() != 2 || !range.get(0).isNumber() || !range.get(1).isNumber()) {
            throw new LofiException(file, where + ": field 'tempo_range' must be [min, max] in BPM, was " + range, "e.g. [70, 90]");
        }
        double lo = range.get(0).asDouble(), hi = range.get(1).asDouble();
        if (!(lo >= MIN_BPM && hi <= MAX_BPM && lo < hi)) {
            throw new LofiException(file, where + ": field 'tempo_range' " + range + " must satisfy " + (int) MIN_BPM
                    + " <= min < max <= " + (int) MAX_BPM, "fix the range");
        }
        List<Integer> keys = new ArrayList<>();
        for (String k : PresetJson.strings(file, where, n, "keys")) {
            int pc = StylePreset.pitchClass(k);
            if (pc < 0) throw new LofiException(file, where + ": field 'keys': '" + k + "' is not a note name", "use C, C#, Db, D, … B");
            keys.add(pc);
        }
        List<String> modes = PresetJson.strings(file, where, n, "modes");
        for (String m : modes) {
            if (StylePreset.synthMode(m).isEmpty()) {
                throw new LofiException(file, where + ": field 'modes': unknown mode '" + m + "'",
                        "use major, minor, ionian, aeolian, dorian, phrygian, lydian, mixolydian or locrian");
            }
        }
        List<String> instrumentation = PresetJson.strings(file, where, n, "instrumentation");
        List<String> mix = PresetJson.strings(file, where, n, "mix");
        SynthStyle synth = parseSynth(file, where, id, PresetJson.field(file, where, n, "synth"));
        return new StylePreset(id, name, description, tags, lo, hi, keys, modes, instrumentation, mix, synth);
    }

    private static SynthStyle parseSynth(Path file, String where, String id, JsonNode s) {
        String w = where + ": field 'synth'";
        if (!s.isObject()) throw new LofiException(file, w + " must be an object", "see the shipped file");
        s.fieldNames().forEachRemaining(f -> {
            if (!SYNTH_FIELDS.contains(f) && !f.startsWith("_")) {
                throw new LofiException(file, w + ": unknown field '" + f + "'", "known fields: " + SYNTH_FIELDS);
            }
        });
        DrumPattern pattern;
        String patternId = PresetJson.text(file, w, s, "drum_pattern");
        try {
            pattern = DrumPattern.fromId(patternId);
        } catch (IllegalArgumentException e) {
            throw new LofiException(file, w + ": field 'drum_pattern': " + e.getMessage(), "use one of the known patterns");
        }
        try {
            return new SynthStyle(id,
                    PresetJson.number(file, w, s, "keys"), PresetJson.number(file, w, s, "piano"),
                    PresetJson.number(file, w, s, "pad"), PresetJson.number(file, w, s, "guitar"),
                    PresetJson.number(file, w, s, "arp"), PresetJson.number(file, w, s, "chip"),
                    PresetJson.number(file, w, s, "bass"), PresetJson.number(file, w, s, "drums"),
                    pattern,
                    PresetJson.number(file, w, s, "swing"), PresetJson.number(file, w, s, "crackle"),
                    PresetJson.number(file, w, s, "rain"), PresetJson.number(file, w, s, "wow_cents"),
                    PresetJson.number(file, w, s, "flutter_cents"), PresetJson.number(file, w, s, "lowpass_hz"),
                    PresetJson.integer(file, w, s, "chord_tones"), PresetJson.integer(file, w, s, "beats_per_chord"));
        } catch (IllegalArgumentException e) {
            throw new LofiException(file, w + ": " + e.getMessage(), "fix the value");
        }
    }

    /** Every preset, in file order. */
    public List<StylePreset> all() { return presets; }

    public int size() { return presets.size(); }

    /** The preset with this id, if any. */
    public Optional<StylePreset> byId(String id) { return Optional.ofNullable(byId.get(id)); }

    /** The preset with this id; an unknown id is a LofiException that lists the known ids. */
    public StylePreset require(String id) {
        StylePreset p = byId.get(id);
        if (p == null) {
            throw new LofiException("unknown style preset '" + id + "'", "use one of: " + String.join(", ", byId.keySet()));
        }
        return p;
    }

    public TagVocabulary vocabulary() { return vocabulary; }

    /** How well a preset fits an analysed track: {@code score = exp(−distance)} in (0, 1]; higher is better. */
    public record Match(StylePreset preset, double score, double distance) {}

    /** The best-fitting preset for an analysed tempo/key/mode (see {@link #ranked(TempoKey)}). */
    public Match nearest(TempoKey analysed) { return ranked(analysed).get(0); }

    /**
     * Every preset ranked by fit to an analysed tempo and key, best first. The distance adds:
     * <ul>
     *   <li>tempo: 0 inside the preset's range, else the distance to the range's nearest edge in units of
     *       10 % of tempo; a half- or double-tempo reading counts too, at a 0.5 penalty (analysers and
     *       annotators disagree about the metrical level), all weighted by the tempo confidence;</li>
     *   <li>mode: 1 if the analysed major/minor is not among the preset's modes, weighted by key confidence;</li>
     *   <li>key: 0.25 if the tonic is not among the preset's typical keys, weighted by key confidence;</li>
     *   <li>a tie-breaker: 0.05 per 10 % between the tempo and the range's centre.</li>
     * </ul>
     * Confidences below 0.2 are raised to 0.2 so that an unsure analysis still ranks. A NaN tempo (no
     * pulse found) leaves the ranking to key and mode.
     */
    public List<Match> ranked(TempoKey analysed) {
        List<Match> out = new ArrayList<>(presets.size());
        for (StylePreset p : presets) {
            double d = distance(p, analysed);
            out.add(new Match(p, Math.exp(-d), d));
        }
        out.sort(Comparator.comparingDouble(Match::distance));
        return List.copyOf(out);
    }

    static double distance(StylePreset p, TempoKey a) {
        double tempoWeight = Math.max(0.2, a.bpmConfidence());
        double keyWeight = Math.max(0.2, a.keyConfidence());
        boolean noTempo = !(a.bpm() > 0);   // NaN: the analyser found no pulse; tempo then ranks nothing
        double tempo = noTempo ? 0 : Math.min(tempoOutside(p, a.bpm()),
                Math.min(tempoOutside(p, a.bpm() * 2), tempoOutside(p, a.bpm() / 2)) + 0.5);
        double mode = p.synthModes().contains(a.mode()) ? 0 : 1;
        double key = p.keys().contains(a.tonic()) ? 0 : 0.25;
        double centre = noTempo ? 0 : Math.abs(Math.log(a.bpm() / p.tempoCentre())) / Math.log(1.1);
        return tempoWeight * tempo + keyWeight * (mode + key) + 0.05 * centre;
    }

    /** 0 inside the range, else the log-distance to its nearest edge in units of 10 %. */
    private static double tempoOutside(StylePreset p, double bpm) {
        if (p.tempoContains(bpm)) return 0;
        double edge = bpm < p.tempoMin() ? p.tempoMin() : p.tempoMax();
        return Math.abs(Math.log(bpm / edge)) / Math.log(1.1);
    }
}
