package dev.lofilora.dataset.presets;

import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthClip;
import dev.lofilora.audio.synth.SynthStyle;

import java.util.SplittableRandom;

/**
 * Renders style presets with the built-in synthesiser (fixtures, the demo). Stateless and thread-safe.
 */
public final class PresetSynth {
    private PresetSynth() {}

    /** The synthesiser parameters of a preset (named by the preset's id). */
    public static SynthStyle forPreset(StylePreset preset) { return preset.synth(); }

    /** A tempo, tonic and mode typical of a preset, chosen deterministically from a seed. */
    public record Choice(double bpm, int tonic, String mode) {}

    /**
     * Picks a whole-number tempo uniformly in the preset's range, a tonic among its typical keys and a
     * mode among its modes (mapped to major/minor), all from {@code seed}.
     */
    public static Choice choose(StylePreset preset, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int lo = (int) Math.ceil(preset.tempoMin()), hi = (int) Math.floor(preset.tempoMax());
        double bpm = hi >= lo ? lo + r.nextInt(hi - lo + 1) : preset.tempoCentre();
        int tonic = preset.keys().get(r.nextInt(preset.keys().size()));
        var modes = preset.synthModes();
        String mode = modes.get(r.nextInt(modes.size()));
        return new Choice(bpm, tonic, mode);
    }

    /** Renders a preset at the tempo/key/mode {@link #choose} picks for {@code seed}. */
    public static SynthClip render(LofiSynth synth, StylePreset preset, long seed, double seconds) {
        Choice c = choose(preset, seed);
        return synth.render(forPreset(preset), c.tonic(), c.mode(), c.bpm(), seed, seconds);
    }
}
