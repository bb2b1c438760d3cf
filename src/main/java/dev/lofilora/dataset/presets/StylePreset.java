package dev.lofilora.dataset.presets;

import dev.lofilora.audio.synth.SynthStyle;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One lofi style preset of {@code config/style_presets.json}.
 *
 * @param id              stable snake_case id (never renamed: datasets and sources.json refer to it)
 * @param name            display name
 * @param description     one sentence
 * @param tags            prompt tags, each in the tag vocabulary, most characteristic first
 * @param tempoMin        lowest typical tempo, BPM (quarter notes)
 * @param tempoMax        highest typical tempo, BPM
 * @param keys            typical tonics as pitch classes (0 = C … 11 = B), most typical first
 * @param modes           typical modes as written in the file (major, minor, dorian, …), most typical first
 * @param instrumentation typical instruments
 * @param mix             words describing the mix character
 * @param synth           how the built-in synthesiser renders the style ({@code synth.name()} is the id)
 */
public record StylePreset(String id, String name, String description, List<String> tags,
                          double tempoMin, double tempoMax, List<Integer> keys, List<String> modes,
                          List<String> instrumentation, List<String> mix, SynthStyle synth) {
    private static final String[] NOTE_NAMES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

    public StylePreset {
        tags = List.copyOf(tags);
        keys = List.copyOf(keys);
        modes = List.copyOf(modes);
        instrumentation = List.copyOf(instrumentation);
        mix = List.copyOf(mix);
    }

    /** The typical tonics as names with sharps, e.g. ["C", "F#"]. */
    public List<String> keyNames() { return keys.stream().map(k -> NOTE_NAMES[k]).toList(); }

    /** The modes mapped to what the synthesiser and the analyser know ("major"/"minor"), distinct, in order. */
    public List<String> synthModes() {
        return modes.stream().map(m -> synthMode(m).orElseThrow()).distinct().toList();
    }

    /** Geometric centre of the tempo range. */
    public double tempoCentre() { return Math.sqrt(tempoMin * tempoMax); }

    public boolean tempoContains(double bpm) { return bpm >= tempoMin && bpm <= tempoMax; }

    /**
     * Maps a mode name to "major" or "minor": ionian, lydian and mixolydian have a major third; aeolian,
     * dorian, phrygian and locrian a minor one. Empty for an unknown mode.
     */
    public static Optional<String> synthMode(String mode) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "major", "ionian", "lydian", "mixolydian" -> Optional.of("major");
            case "minor", "aeolian", "dorian", "phrygian", "locrian", "harmonic minor", "melodic minor" -> Optional.of("minor");
            default -> Optional.empty();
        };
    }

    /** Pitch class of a note name (C, C#, Db, … B; case-insensitive), or -1. */
    public static int pitchClass(String note) {
        String n = note.strip();
        if (n.isEmpty()) return -1;
        int base = switch (Character.toUpperCase(n.charAt(0))) {
            case 'C' -> 0; case 'D' -> 2; case 'E' -> 4; case 'F' -> 5; case 'G' -> 7; case 'A' -> 9; case 'B' -> 11;
            default -> -1;
        };
        if (base < 0) return -1;
        String acc = n.substring(1);
        return switch (acc) {
            case "" -> base;
            case "#", "♯" -> Math.floorMod(base + 1, 12);
            case "b", "♭" -> Math.floorMod(base - 1, 12);
            default -> -1;
        };
    }
}
