package dev.lofilora.audio.analysis;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthClip;
import dev.lofilora.audio.synth.SynthStyle;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class TempoKeyAnalyzerTest {
    private final TempoKeyAnalyzer analyzer = new TempoKeyAnalyzer();

    /** Decaying noise bursts every beat at 44.1 kHz: nothing but a pulse. */
    private static AudioBuffer clickTrack(double bpm, double seconds, int sr) {
        float[] x = new float[(int) (seconds * sr)];
        SplittableRandom r = new SplittableRandom(1);
        double period = 60 / bpm * sr;
        for (double t = 0; t < x.length; t += period) {
            for (int k = 0; k < sr / 50 && t + k < x.length; k++) x[(int) t + k] += (float) ((r.nextDouble() - 0.5) * Math.exp(-k / (sr * 0.004)));
        }
        return new AudioBuffer(new float[][] {x}, sr);
    }

    @Test
    void clickTrackTempoWithinHalfPercent() {
        for (double bpm : new double[] {63, 87.5, 104, 122}) {
            TempoKey tk = analyzer.analyze(clickTrack(bpm, 20, 44_100));
            assertEquals(bpm, tk.bpm(), bpm * 0.005, "click track at " + bpm);
            assertTrue(tk.bpmConfidence() > 0.3, "confidence " + tk.bpmConfidence());
            assertEquals(tk.bpm(), tk.tempoCandidates().get(0).bpm());
        }
    }

    @Test
    void barePulseAbove127BpmReadsAtHalfTempoWithTheRealTempoAsSecondCandidate() {
        TempoKey tk = analyzer.analyze(clickTrack(140, 20, 44_100));
        assertEquals(70, tk.bpm(), 0.5);
        assertEquals(140, tk.tempoCandidates().get(1).bpm(), 1.0);
        // same periodicity evidence; only the prior separates them: exp(-0.5·(0.637² − 0.363²)/0.8²) ≈ 0.81
        assertEquals(0.81, tk.tempoCandidates().get(1).strength(), 0.08);
    }

    /** Sustained sine triads I–IV–V–I in a key: key finding without any rhythm. */
    private static AudioBuffer cadence(int tonic, boolean minor, double centsOff) {
        int sr = 22_050;
        int[][] chords = minor ? new int[][] {{0, 3, 7}, {5, 8, 12}, {7, 11, 14}, {0, 3, 7}}
                : new int[][] {{0, 4, 7}, {5, 9, 12}, {7, 11, 14}, {0, 4, 7}};
        int per = sr * 2;
        float[] x = new float[per * chords.length * 2];
        for (int rep = 0; rep < 2; rep++) {
            for (int c = 0; c < chords.length; c++) {
                for (int note : chords[c]) {
                    double hz = 440 * Math.pow(2, (48 + tonic + note - 69 + centsOff / 100) / 12.0);
                    double bassHz = 440 * Math.pow(2, (36 + tonic + chords[c][0] - 69 + centsOff / 100) / 12.0);
                    int off = (rep * chords.length + c) * per;
                    for (int i = 0; i < per; i++) {
                        x[off + i] += (float) (0.2 * Math.sin(2 * Math.PI * hz * i / sr));
                        if (note == chords[c][0]) x[off + i] += (float) (0.2 * Math.sin(2 * Math.PI * bassHz * i / sr));
                    }
                }
            }
        }
        return new AudioBuffer(new float[][] {x, x}, sr);
    }

    @Test
    void findsKeyAndModeOfPlainCadences() {
        for (int tonic : new int[] {0, 3, 7, 10}) {
            TempoKey major = analyzer.analyze(cadence(tonic, false, 0));
            assertEquals(tonic, major.tonic(), "major " + tonic);
            assertEquals("major", major.mode());
            TempoKey minor = analyzer.analyze(cadence(tonic, true, 0));
            assertEquals(tonic, minor.tonic(), "minor " + tonic);
            assertEquals("minor", minor.mode());
            assertTrue(major.keyConfidence() > 0 && major.keyConfidence() <= 1);
        }
    }

    @Test
    void estimatesTuningAndStillFoldsDetunedAudio() {
        // 40 cents sharp: without the tuning estimate most energy would fold half-way between semitones.
        AudioBuffer sharp = cadence(9, true, 40);
        float[] mono = MonoDownsampler.mono(sharp);
        Chroma.Profile p = Chroma.compute(MonoDownsampler.decimate(mono, 2), 11_025);
        assertEquals(0.40, p.tuning(), 0.03);
        TempoKey tk = analyzer.analyze(sharp);
        assertEquals("A minor", tk.keyName());
    }

    @Test
    void synthClipAnalysedAtAnyCommonSampleRate() {
        for (int sr : new int[] {22_050, 44_100, 48_000}) {
            SynthClip clip = new LofiSynth(sr).render(SynthStyle.LOFI_HIP_HOP, 2, "major", 84, 77, 20);
            TempoKey tk = analyzer.analyze(clip.audio());
            assertEquals(84, tk.bpm(), 84 * 0.02, "at " + sr + " Hz");
            assertEquals("D major", tk.keyName(), "at " + sr + " Hz");
        }
    }

    @Test
    void rejectsAudioShorterThanTwoSeconds() {
        AudioBuffer tiny = new AudioBuffer(new float[][] {new float[48_000]}, 48_000);
        assertThrows(IllegalArgumentException.class, () -> analyzer.analyze(tiny));
    }

    @Test
    void silenceHasNoTempoAndZeroConfidence() {
        TempoKey tk = analyzer.analyze(new AudioBuffer(new float[][] {new float[48_000 * 5]}, 48_000));
        assertTrue(Double.isNaN(tk.bpm()));
        assertEquals(0, tk.bpmConfidence());
    }

    @Test
    void mirexWeightedScore() {
        assertEquals(1.0, KeyScore.mirex(9, "minor", 9, "minor"));
        assertEquals(0.5, KeyScore.mirex(0, "major", 7, "major"));      // G major for C major: fifth above
        assertEquals(0.0, KeyScore.mirex(0, "major", 5, "major"));      // fifth below: not counted by MIREX…
        assertEquals(0.5, KeyScore.mirex(0, "major", 5, "major", true)); // …unless descending fifths are allowed
        assertEquals(0.3, KeyScore.mirex(0, "major", 9, "minor"));      // A minor for C major: relative
        assertEquals(0.3, KeyScore.mirex(9, "minor", 0, "major"));
        assertEquals(0.2, KeyScore.mirex(2, "minor", 2, "major"));      // parallel
        assertEquals(0.0, KeyScore.mirex(0, "major", 1, "major"));
    }

    @Test
    void fftMatchesDirectDft() {
        int n = 64;
        Fft fft = new Fft(n);
        double[] re = new double[n], im = new double[n];
        SplittableRandom r = new SplittableRandom(3);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) re[i] = x[i] = r.nextDouble() - 0.5;
        fft.transform(re, im);
        for (int k = 0; k < n; k++) {
            double sr = 0, si = 0;
            for (int t = 0; t < n; t++) {
                sr += x[t] * Math.cos(2 * Math.PI * k * t / n);
                si -= x[t] * Math.sin(2 * Math.PI * k * t / n);
            }
            assertEquals(sr, re[k], 1e-12);
            assertEquals(si, im[k], 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> new Fft(48));
    }
}
