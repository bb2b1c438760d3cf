package dev.lofilora.audio.synth;

import dev.lofilora.audio.AudioBuffer;

import java.util.SplittableRandom;

/**
 * Renders deterministic lofi clips: a four-chord progression in the requested key (triads, sevenths or
 * ninths), electric piano / piano / pad / guitar / arpeggio / chiptune voices as the style mixes them, a
 * simple melody, a bass on the chord roots, a swung drum groove, then the lofi treatment (low-pass, tape
 * wow and flutter, vinyl crackle, rain) and a peak normalisation to {@value #PEAK_DBFS} dBFS.
 *
 * <p>Contract: the same arguments give bit-identical samples on every JVM (all randomness comes from a
 * {@link SplittableRandom} seeded with {@code seed}; all transcendental functions are {@code StrictMath}
 * or a table built with it). Different seeds give different progressions, comping, melodies and noise.
 * Thread-safe (no mutable state). A 30-s stereo clip at 48 kHz renders in ~0.35–0.45 s on a busy 2-core
 * machine ({@code SynthBenchmark}): instruments, drums and tape run at half the output rate whenever the
 * style's low-pass is below 0.45 of that rate (true for every shipped preset), then are interpolated ×2.
 */
public final class LofiSynth {
    public static final int DEFAULT_SAMPLE_RATE = 48_000;
    public static final double PEAK_DBFS = -3.0;
    /** Tape-hiss amplitude before normalisation (about −52 dBFS RMS on a full-scale mix). */
    static final double HISS_AMPLITUDE = 0.004;

    private final int sampleRate;

    public LofiSynth() { this(DEFAULT_SAMPLE_RATE); }

    public LofiSynth(int sampleRate) {
        if (sampleRate < 8000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate must be in [8000, 192000] Hz, was " + sampleRate);
        }
        this.sampleRate = sampleRate;
    }

    public int sampleRate() { return sampleRate; }

    /**
     * Renders one stereo clip.
     *
     * @param tonic   0 = C … 11 = B
     * @param mode    "major" or "minor"
     * @param bpm     tempo in quarter-note beats per minute, 40..240
     * @param seconds duration, (0, 600]
     * @throws IllegalArgumentException for an argument out of range
     */
    public SynthClip render(SynthStyle style, int tonic, String mode, double bpm, long seed, double seconds) {
        if (style == null) throw new IllegalArgumentException("style is null");
        if (tonic < 0 || tonic > 11) throw new IllegalArgumentException("tonic must be 0..11, was " + tonic);
        if (!"major".equals(mode) && !"minor".equals(mode)) {
            throw new IllegalArgumentException("mode must be \"major\" or \"minor\", was " + mode);
        }
        if (!(bpm >= 40 && bpm <= 240)) throw new IllegalArgumentException("bpm must be in [40, 240], was " + bpm);
        if (!(seconds > 0 && seconds <= 600)) throw new IllegalArgumentException("seconds must be in (0, 600], was " + seconds);

        // Instruments, drums and tape run at half the output rate when that still covers the style's
        // low-pass (every shipped preset stays below 10 kHz): half the samples to compute, then one exact
        // ×2 interpolation. Vinyl crackle and rain are added at the full rate so they keep their crisp top.
        int outRate = sampleRate;
        int n = (int) StrictMath.round(seconds * outRate);
        boolean halfRate = outRate % 2 == 0 && style.lowpassHz() <= 0.45 * outRate / 2;
        int sr = halfRate ? outRate / 2 : outRate;
        int m = halfRate ? (n + 1) / 2 : n;
        float[][] mix = new float[2][m];
        // One independent stream per part, split in a fixed order: changing one part's use of randomness
        // never changes another part.
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom harmonyR = root.split(), compR = root.split(), melodyR = root.split(),
                drumR = root.split(), noiseR = root.split(), tapeR = root.split(), pluckR = root.split(),
                hissR = root.split();

        Harmony harmony = new Harmony(tonic, "minor".equals(mode), harmonyR);
        Grid grid = new Grid(bpm, style.swing(), sr);
        int totalBeats = (int) StrictMath.ceil(seconds * bpm / 60.0) + 1;

        renderChords(mix, style, harmony, grid, totalBeats, compR, pluckR);
        renderMelody(mix, style, harmony, grid, totalBeats, melodyR);
        renderBass(mix, style, harmony, grid, totalBeats, compR);
        renderDrums(mix, style, grid, totalBeats, drumR);

        for (float[] ch : mix) TapeEffects.lowpass(ch, sr, style.lowpassHz());
        float[][] tape = TapeEffects.wowFlutter(mix, sr, style.wowCents(), style.flutterCents(), tapeR);
        float[][] out = halfRate ? new float[][] {Upsampler.twice(tape[0], n), Upsampler.twice(tape[1], n)} : tape;
        TapeEffects.crackle(out, outRate, style.crackle(), noiseR);
        TapeEffects.rain(out, outRate, style.rain(), noiseR);
        TapeEffects.hiss(out, HISS_AMPLITUDE, hissR);
        normalise(out, StrictMath.pow(10, PEAK_DBFS / 20));

        return new SynthClip(new AudioBuffer(out, outRate),
                new SynthTruth(bpm, tonic, mode, style.name(), seed, n / (double) outRate, outRate));
    }

    /** Sixteenth-note grid with swing: odd 16ths are late by swing × (triplet − straight) position. */
    private record Grid(double bpm, double swing, int sr) {
        double beatSeconds() { return 60.0 / bpm; }

        /** Frame of global 16th step {@code step} (4 per beat). */
        int frame(int step) {
            double t = step * beatSeconds() / 4;
            if ((step & 1) == 1) t += swing * beatSeconds() / 12;
            return (int) StrictMath.round(t * sr);
        }

        int frames(double beats) { return (int) StrictMath.round(beats * beatSeconds() * sr); }
    }

    private static void renderChords(float[][] mix, SynthStyle s, Harmony h, Grid g, int totalBeats,
                                     SplittableRandom r, SplittableRandom pluckR) {
        int sr = g.sr();
        int bpc = s.beatsPerChord();
        int comp = r.nextInt(3);   // 0: held chords, 1: hit + anticipation on the "and" of 2, 2: beats 1 and 3
        int strum = sr / 125;      // 8 ms between chord notes
        for (int beat = 0, c = 0; beat < totalBeats; beat += bpc, c++) {
            int[] keysChord = h.chord(c, s.chordTones(), 52);
            int step0 = beat * 4;
            int chordFrames = g.frames(bpc);
            if (s.keys() > 0) {
                int[] hits = switch (comp) {
                    case 0 -> new int[] {0};
                    case 1 -> new int[] {0, 6};
                    default -> bpc >= 4 ? new int[] {0, 8} : new int[] {0};
                };
                for (int j = 0; j < hits.length; j++) {
                    int start = g.frame(step0 + hits[j]);
                    int end = j + 1 < hits.length ? g.frame(step0 + hits[j + 1]) : g.frame(step0) + chordFrames;
                    double vel = 0.3 * s.keys() * (j == 0 ? 1 : 0.75) * (0.9 + 0.1 * r.nextDouble());
                    for (int k = 0; k < keysChord.length; k++) {
                        Voices.epiano(mix, sr, start + k * strum, end - start - k * strum,
                                Osc.hz(keysChord[k]), vel, k % 2 == 0 ? -0.25 : 0.25);
                    }
                }
            }
            if (s.piano() > 0) {
                int[] chord = h.chord(c, s.chordTones(), 48);
                int start = g.frame(step0);
                double vel = 0.3 * s.piano() * (0.9 + 0.1 * r.nextDouble());
                for (int k = 0; k < chord.length; k++) {
                    Voices.piano(mix, sr, start + k * strum / 2, chordFrames, Osc.hz(chord[k]), vel, -0.15 + 0.1 * k);
                }
            }
            if (s.pad() > 0) {
                int[] chord = h.chord(c, Math.min(4, s.chordTones()), 55);
                for (int note : chord) {
                    Voices.pad(mix, sr, g.frame(step0), chordFrames, Osc.hz(note), 0.12 * s.pad());
                }
            }
            if (s.guitar() > 0) {
                int[] chord = h.chord(c, Math.min(4, s.chordTones()), 50);
                int[] strums = {0, 6, 8, 14};   // down, up, down, up within each bar
                for (int b = 0; b < bpc; b += 4) {
                    for (int j = 0; j < strums.length; j++) {
                        int step = step0 + b * 4 + strums[j];
                        if (strums[j] >= bpc * 4) break;
                        boolean down = j % 2 == 0;
                        double vel = 0.35 * s.guitar() * (down ? 1 : 0.6) * (0.85 + 0.15 * r.nextDouble());
                        int hold = g.frames(down ? 1.5 : 0.5);
                        for (int k = 0; k < chord.length; k++) {
                            int order = down ? k : chord.length - 1 - k;
                            Voices.pluck(mix, sr, g.frame(step) + k * strum * 2 / 3, hold,
                                    Osc.hz(chord[order]), vel, 0.35, pluckR);
                        }
                    }
                }
            }
            if (s.arp() > 0) {
                int[] chord = h.chord(c, Math.min(4, s.chordTones()), 64);
                for (int e = 0; e < bpc * 2; e++) {   // 8th notes
                    int note = chord[e % chord.length];
                    double vel = 0.22 * s.arp() * (e % 2 == 0 ? 1 : 0.7);
                    Voices.epiano(mix, sr, g.frame(step0 + 2 * e), g.frames(0.45), Osc.hz(note), vel, 0.4);
                }
            }
            if (s.chip() > 0) {
                int[] chord = h.chord(c, 3, 72);
                for (int e = 0; e < bpc * 4; e++) {   // 16th-note arpeggio, up and back
                    int idx = e % 4 == 3 ? 1 : e % 4;
                    double vel = 0.12 * s.chip() * ((e & 3) == 0 ? 1 : 0.7);
                    Voices.chip(mix, sr, g.frame(step0 + e), g.frames(0.18), Osc.hz(chord[idx]), vel, -0.3);
                }
            }
        }
    }

    /**
     * A sparse melody on the strongest lead instrument: chord tones on strong beats, scale steps between,
     * and the tonic, held, whenever the progression arrives on the tonic chord (as most tunes do).
     */
    private static void renderMelody(float[][] mix, SynthStyle s, Harmony h, Grid g, int totalBeats,
                                     SplittableRandom r) {
        int sr = g.sr();
        double lead = Math.max(Math.max(s.piano(), s.keys()), Math.max(s.guitar(), s.chip()));
        if (lead == 0) return;
        int bpc = s.beatsPerChord();
        int[] scale = h.scale();
        for (int beat = 0; beat < totalBeats; beat += 1) {
            int c = beat / bpc;
            boolean cadence = beat % bpc == 0 && h.degree(c) == 0 && h.degree(c - 1) != 0;
            if (!cadence && r.nextDouble() > 0.55) continue;
            int midi;
            if (cadence) {
                midi = 72 + h.tonic();
            } else if (beat % 2 == 0) {
                int[] chord = h.chord(c, 3, 67);
                midi = chord[r.nextInt(chord.length)];
            } else {
                midi = 67 + Math.floorMod(h.tonic() + scale[r.nextInt(scale.length)] - 67, 12);
            }
            int step = beat * 4 + (r.nextDouble() < 0.3 ? 2 : 0);
            int start = g.frame(step);
            int hold = g.frames(cadence ? bpc * 0.9 : 0.9);
            double vel = 0.32 * lead;
            if (lead == s.piano()) Voices.piano(mix, sr, start, hold, Osc.hz(midi), vel, 0.1);
            else if (lead == s.keys()) Voices.epiano(mix, sr, start, hold, Osc.hz(midi), vel * 0.9, 0.1);
            else if (lead == s.guitar()) Voices.pluck(mix, sr, start, hold, Osc.hz(midi), vel, 0.1, r);
            else Voices.chip(mix, sr, start, hold, Osc.hz(midi), vel * 0.4, 0.1);
        }
    }

    private static void renderBass(float[][] mix, SynthStyle s, Harmony h, Grid g, int totalBeats,
                                   SplittableRandom r) {
        if (s.bass() == 0) return;
        int bpc = s.beatsPerChord();
        int pattern = r.nextInt(3);   // 0: root held; 1: root + root on the "and" of 3; 2: root + fifth on 3
        for (int beat = 0, c = 0; beat < totalBeats; beat += bpc, c++) {
            int root = 36 + h.rootPitchClass(c);
            int step0 = beat * 4;
            double vel = 0.55 * s.bass();
            if (pattern == 0 || bpc < 4) {
                Voices.bass(mix, g.sr(), g.frame(step0), g.frames(bpc - 0.25), Osc.hz(root), vel);
            } else {
                for (int b = 0; b < bpc; b += 4) {
                    int bar = step0 + 4 * b;
                    Voices.bass(mix, g.sr(), g.frame(bar), g.frames(pattern == 1 ? 2.25 : 1.75), Osc.hz(root), vel);
                    int second = pattern == 1 ? root : root + 7;
                    int step = pattern == 1 ? 10 : 8;
                    Voices.bass(mix, g.sr(), g.frame(bar + step), g.frames(1.25), Osc.hz(second), vel * 0.8);
                }
            }
        }
    }

    private static void renderDrums(float[][] mix, SynthStyle s, Grid g, int totalBeats, SplittableRandom r) {
        if (s.drums() == 0) return;
        Drums kit = new Drums(g.sr(), r);
        DrumPattern p = s.drumPattern();
        int jitter = g.sr() / 500;   // ±2 ms of human timing
        for (int step = 0; step < totalBeats * 4; step++) {
            int i = step & 15;
            int at = g.frame(step);
            double d = s.drums();
            at += r.nextInt(2 * jitter + 1) - jitter;
            if (p.kick[i] > 0) Drums.hit(mix, kit.kick, at, 0.9 * d * p.kick[i] * human(r), 0);
            if (p.snare[i] > 0) Drums.hit(mix, kit.snare, at, 0.55 * d * p.snare[i] * human(r), 0.05);
            if (p.rim[i] > 0) Drums.hit(mix, kit.rim, at, 0.45 * d * p.rim[i] * human(r), -0.2);
            if (p.hat[i] > 0) Drums.hit(mix, kit.hat, at, 0.3 * d * p.hat[i] * human(r), 0.3);
            if (p.openHat[i] > 0) Drums.hit(mix, kit.openHat, at, 0.22 * d * p.openHat[i] * human(r), 0.3);
        }
    }

    private static double human(SplittableRandom r) { return 0.85 + 0.15 * r.nextDouble(); }

    private static void normalise(float[][] out, double peak) {
        double max = 0;
        for (float[] ch : out) for (float v : ch) max = Math.max(max, Math.abs(v));
        if (max == 0) return;
        float gain = (float) (peak / max);
        for (float[] ch : out) for (int i = 0; i < ch.length; i++) ch[i] *= gain;
    }
}
