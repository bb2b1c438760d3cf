package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.audio.io.DecodedAudio;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.dataset.curate.Fixtures;
import dev.lofilora.dataset.presets.StylePreset;
import dev.lofilora.dataset.presets.StylePresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Muffled lossless masters against lossy encodes: the bandwidth check must tell an encoder's brick-wall cutoff from
 * a deliberate gentle roll-off. Cases: a broadband music-like signal low-passed (2nd- and 4th-order Butterworth, as
 * the synthesiser and a mixing desk do) at every low-pass setting of the shipped style presets, and two steep
 * 8th-order ones, written as FLAC;
 * the same signal unfiltered; and real encoder output of this build's FFmpeg (libmp3lame and the native AAC encoder
 * at 128, 192 and 320 kbit/s, of the broadband and of a muffled signal), decoded back, also as a FLAC transcode.
 * The confusion table is printed (and quoted in the closing note).
 */
class BandwidthConfusionTest {
    @TempDir Path dir;
    private final QualityChecks qc = new QualityChecks(QcThresholds.defaults());

    private record Case(String name, boolean lossy, int bitRate, DecodedAudio audio) {}

    private record Row(Case c, Bandwidth.Analysis a, CheckResult check) {}

    /** In-place biquad cascade: {@code order}/2 second-order Butterworth sections (RBJ). */
    static AudioBuffer lowPass(AudioBuffer in, double fc, int order) {
        float[][] y = new float[in.channels()][];
        for (int c = 0; c < y.length; c++) {
            y[c] = in.samples()[c].clone();
            for (int s = 0; s < order / 2; s++) {
                double w0 = 2 * Math.PI * fc / in.sampleRate(), alpha = Math.sin(w0) / (2 * Math.sqrt(0.5)), cos = Math.cos(w0);
                double a0 = 1 + alpha, b0 = (1 - cos) / 2 / a0, b1 = (1 - cos) / a0, a1 = -2 * cos / a0, a2 = (1 - alpha) / a0;
                double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
                float[] x = y[c];
                for (int i = 0; i < x.length; i++) {
                    double v = x[i], o = b0 * v + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2;
                    x2 = x1; x1 = v; y2 = y1; y1 = o;
                    x[i] = (float) o;
                }
            }
        }
        return new AudioBuffer(y, in.sampleRate());
    }

    private DecodedAudio roundTrip(String name, AudioBuffer a, AudioEncoder.Format f, long bitRate) throws Exception {
        Path p = dir.resolve(name + (f == AudioEncoder.Format.MP3 ? ".mp3" : f == AudioEncoder.Format.M4A_AAC ? ".m4a" : ".flac"));
        AudioEncoder.write(p, a, f, bitRate, Map.of());
        return AudioDecoder.read(p, 900);
    }

    @Test
    void brickWallCutoffsAreCaughtAndGentleRollOffsPass() throws Exception {
        TreeSet<Double> lowpasses = new TreeSet<>();
        for (StylePreset p : StylePresets.load(ConfigFiles.defaults()).all()) lowpasses.add(p.synth().lowpassHz());
        List<Case> cases = new ArrayList<>();
        int k = 0;
        for (int rate : new int[] {44100, 48000}) {
            AudioBuffer music = Fixtures.music(rate, 6, rate);
            cases.add(new Case("full band, " + rate + " Hz", false, 0, roundTrip("full" + rate, music, AudioEncoder.Format.FLAC_24, 0)));
            for (double fc : lowpasses) {
                int order = k++ % 2 == 0 ? 2 : 4; // both slopes across the settings and the two rates
                if (rate == 48000) order = 6 - order;
                AudioEncoder.Format f = order == 2 ? AudioEncoder.Format.FLAC_16 : AudioEncoder.Format.FLAC_24;
                cases.add(new Case(String.format(Locale.ROOT, "low-pass %.0f Hz, %d dB/oct, %d Hz", fc, 6 * order, rate),
                        false, 0, roundTrip("lp" + fc + "_" + rate, lowPass(music, fc, order), f, 0)));
            }
            for (double fc : new double[] {9000, 12000}) { // steeper than any lofi master: 48 dB/octave, 24-bit
                cases.add(new Case(String.format(Locale.ROOT, "low-pass %.0f Hz, 48 dB/oct, %d Hz", fc, rate), false, 0,
                        roundTrip("lp8_" + fc + "_" + rate, lowPass(music, fc, 8), AudioEncoder.Format.FLAC_24, 0)));
            }
            AudioBuffer muffled = lowPass(music, 5000, 2);
            for (int br : new int[] {128, 192, 320}) {
                cases.add(new Case("MP3 " + br + "k, " + rate + " Hz", true, br,
                        roundTrip("mp3_" + br + "_" + rate, music, AudioEncoder.Format.MP3, br * 1000L)));
                cases.add(new Case("AAC " + br + "k, " + rate + " Hz", true, br,
                        roundTrip("aac_" + br + "_" + rate, music, AudioEncoder.Format.M4A_AAC, br * 1000L)));
                cases.add(new Case("muffled 5 kHz, MP3 " + br + "k, " + rate + " Hz", true, br,
                        roundTrip("mmp3_" + br + "_" + rate, muffled, AudioEncoder.Format.MP3, br * 1000L)));
            }
            // a transcode: the 128k MP3 decoded and stored as 16-bit FLAC
            DecodedAudio mp3 = roundTrip("t128_" + rate, music, AudioEncoder.Format.MP3, 128_000);
            cases.add(new Case("MP3 128k -> FLAC transcode, " + rate + " Hz", true, 128,
                    roundTrip("tflac_" + rate, mp3.audio(), AudioEncoder.Format.FLAC_16, 0)));
        }

        List<Row> rows = new ArrayList<>();
        for (Case c : cases) {
            Bandwidth.Analysis a = Bandwidth.analyse(c.audio().audio(), 30, -60);
            CheckResult check = qc.run(c.audio().audio(), c.audio().format().bitDepth()).stream()
                    .filter(r -> r.check().equals(QualityChecks.BANDWIDTH)).findFirst().orElseThrow();
            rows.add(new Row(c, a, check));
        }
        int[][] confusion = new int[2][2]; // [lossy][predicted brick wall]
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-44s %-9s %-12s %8s %8s  %s%n", "case",
                "actual", "predicted", "edge Hz", "drop dB", "verdict"));
        for (Row r : rows) {
            confusion[r.c().lossy() ? 1 : 0][r.a().brickWall() ? 1 : 0]++;
            table.append(String.format(Locale.ROOT, "%-44s %-9s %-12s %8.0f %8.1f  %s%n", r.c().name(),
                    r.c().lossy() ? "lossy" : "lossless", r.a().brickWall() ? "brick wall" : "gentle", r.a().edgeHz(),
                    r.a().edgeDb(), r.check().verdict()));
        }
        table.append(String.format(Locale.ROOT, "%nconfusion (rows: actual; columns: predicted)%n%-10s %12s %12s%n"
                        + "%-10s %12d %12d%n%-10s %12d %12d%n", "", "brick wall", "gentle", "lossy",
                confusion[1][1], confusion[1][0], "lossless", confusion[0][1], confusion[0][0]));
        System.out.println(table);

        List<String> wrong = new ArrayList<>();
        for (Row r : rows) {
            String n = r.c().name();
            if (!r.c().lossy()) {
                // every muffled lossless master passes (with a note), whatever its low-pass
                if (r.a().brickWall() || r.check().verdict() != Verdict.PASS) wrong.add(n + ": " + r.check().detail());
            } else if (r.c().bitRate() <= 192 && !n.startsWith("muffled")) {
                // every 128k/192k encode of full-band material shows its encoder's cutoff
                if (!r.a().brickWall()) wrong.add(n + ": no brick wall found (" + r.check().detail() + ")");
            }
            if (n.startsWith("MP3 128k") && r.check().verdict() == Verdict.PASS) wrong.add(n + " passed unflagged");
            if (n.contains("transcode") && !r.check().detail().contains("lossy (MP3/AAC) content in a lossless file")) {
                wrong.add(n + ": " + r.check().detail());
            }
        }
        assertEquals(List.of(), wrong, table.toString());
        assertEquals(0, confusion[0][1], "no lossless file is taken for an encode");
        assertTrue(confusion[1][1] >= 14, "lossy encodes caught: " + confusion[1][1] + "\n" + table);
    }
}
