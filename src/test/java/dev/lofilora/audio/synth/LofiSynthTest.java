package dev.lofilora.audio.synth;

import dev.lofilora.audio.AudioBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class LofiSynthTest {
    private final LofiSynth synth = new LofiSynth();

    @Test
    void sameSeedGivesBitIdenticalSamples() {
        SynthClip a = synth.render(SynthStyle.LOFI_HIP_HOP, 9, "minor", 84, 42, 6);
        SynthClip b = synth.render(SynthStyle.LOFI_HIP_HOP, 9, "minor", 84, 42, 6);
        assertTrue(Arrays.equals(a.audio().samples()[0], b.audio().samples()[0]));
        assertTrue(Arrays.equals(a.audio().samples()[1], b.audio().samples()[1]));
    }

    @Test
    void differentSeedGivesDifferentSamples() {
        float[] a = synth.render(SynthStyle.LOFI_HIP_HOP, 9, "minor", 84, 42, 6).audio().samples()[0];
        float[] b = synth.render(SynthStyle.LOFI_HIP_HOP, 9, "minor", 84, 43, 6).audio().samples()[0];
        int differing = 0;
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) differing++;
        assertTrue(differing > a.length * 0.9, "only " + differing + " of " + a.length + " samples differ");
    }

    @Test
    void groundTruthIsWhatWasRequested() {
        SynthClip clip = synth.render(SynthStyle.LOFI_HIP_HOP, 2, "major", 91.5, 7, 4);
        SynthTruth t = clip.truth();
        assertEquals(91.5, t.bpm());
        assertEquals(2, t.tonic());
        assertEquals("major", t.mode());
        assertEquals("D major", t.keyName());
        assertEquals("lofi hip hop", t.style());
        assertEquals(7, t.seed());
        assertEquals(4.0, t.seconds(), 1e-9);
        assertEquals(48_000, t.sampleRate());
        AudioBuffer audio = clip.audio();
        assertEquals(2, audio.channels());
        assertEquals(4 * 48_000, audio.frames());
    }

    @Test
    void outputPeaksAtMinus3dBFS() {
        AudioBuffer audio = synth.render(SynthStyle.LOFI_HIP_HOP, 0, "minor", 80, 1, 5).audio();
        double peak = 0;
        for (float[] ch : audio.samples()) for (float v : ch) peak = Math.max(peak, Math.abs(v));
        assertEquals(Math.pow(10, -3 / 20.0), peak, 1e-4);
    }

    @Test
    void chordsSoundInTheRequestedKey() {
        // The energy at the tonic and fifth of A minor must beat the energy a semitone away (G#/A#, D#/F),
        // measured by Goertzel filters on the mono mix: a wrong tonic or transposition would fail this.
        AudioBuffer audio = synth.render(SynthStyle.LOFI_HIP_HOP, 9, "minor", 80, 3, 8).audio();
        float[] mono = new float[audio.frames()];
        for (int i = 0; i < mono.length; i++) mono[i] = 0.5f * (audio.samples()[0][i] + audio.samples()[1][i]);
        double inKey = 0, outOfKey = 0;
        for (int octave = 3; octave <= 4; octave++) {
            int a = 12 * (octave + 1) + 9, e = a + 7;
            inKey += goertzel(mono, a) + goertzel(mono, e);
            outOfKey += goertzel(mono, a + 1) + goertzel(mono, e - 1);
        }
        assertTrue(inKey > 3 * outOfKey, "in-key " + inKey + " vs out-of-key " + outOfKey);
    }

    private static double goertzel(float[] x, int midi) {
        double f = 440 * Math.pow(2, (midi - 69) / 12.0);
        double coeff = 2 * Math.cos(2 * Math.PI * f / 48_000);
        double s1 = 0, s2 = 0;
        for (float v : x) {
            double s = v + coeff * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }

    @Test
    void rejectsOutOfRangeArguments() {
        assertThrows(IllegalArgumentException.class, () -> synth.render(SynthStyle.LOFI_HIP_HOP, 12, "minor", 80, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> synth.render(SynthStyle.LOFI_HIP_HOP, 0, "dorian", 80, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> synth.render(SynthStyle.LOFI_HIP_HOP, 0, "minor", 10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> synth.render(SynthStyle.LOFI_HIP_HOP, 0, "minor", 80, 1, 0));
    }
}
