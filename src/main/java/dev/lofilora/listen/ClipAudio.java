package dev.lofilora.listen;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.Resampler;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.loudness.LoudnessMeter;
import dev.lofilora.common.LofiException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reading, loudness matching and serving clips. Every clip reaches the page in one uniform shape, a 48 kHz
 * stereo 24-bit PCM WAV, so nothing in a response (format, rate, channel count) can tell the systems apart.
 *
 * <p>Loudness matching, with the project's own BS.1770-4 meter ({@link LoudnessMeter#integratedLufs}): each clip of
 * a trial is measured and gets the gain that brings it to the target (−14 LUFS, the level {@code lofi process}
 * writes). A clip already within {@value #UNITY_WINDOW_DB} dB of it (every processed clip) keeps unity gain and is
 * served sample for sample. When a gain would lift a sample peak above −1 dBFS, both clips of the trial are lowered
 * by the same amount instead, so they stay matched to each other and nothing clips; no limiter is used because it
 * would change the sound being judged. A silent clip (or one under 0.4 s, which has no loudness) keeps unity gain.
 */
final class ClipAudio {
    static final int RATE = 48_000;
    static final double UNITY_WINDOW_DB = 0.05;
    static final double PEAK_CEILING_DBFS = -1.0;

    private ClipAudio() {}

    /** The gains (dB) of a trial's two clips and their measured loudness before the gain. */
    record Match(double gainA, double gainB, double lufsA, double lufsB) {}

    /** Decodes {@code file} (WAV in Java, anything else through FFmpeg); a clear error when it is not audio. */
    static AudioBuffer read(Path file, String clip, String system) {
        try {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav")) {
                try {
                    AudioBuffer b = WavFile.read(file);
                    if (b.channels() <= 2) return b;
                } catch (LofiException e) {
                    if (!e.getMessage().contains("unsupported WAV encoding")) throw e;
                }
            }
            return AudioDecoder.decode(file);
        } catch (LofiException e) {
            throw new LofiException(file, "(clip \"" + clip + "\" of system " + system + ") cannot be read as audio: "
                    + e.problem(), "replace it with an audio file or remove it from the folder");
        } catch (IOException | RuntimeException e) {
            throw new LofiException(file, "(clip \"" + clip + "\" of system " + system + ") cannot be read as audio: " + e,
                    "replace it with an audio file or remove it from the folder", e);
        }
    }

    /** Gains that bring both clips to {@code targetLufs}, lowered together when a peak would pass −1 dBFS. */
    static Match match(AudioBuffer a, AudioBuffer b, double targetLufs) {
        double la = LoudnessMeter.integratedLufs(a), lb = LoudnessMeter.integratedLufs(b);
        double ga = gainTo(la, targetLufs), gb = gainTo(lb, targetLufs);
        double peakA = dbfs(peak(a)) + ga, peakB = dbfs(peak(b)) + gb;
        double over = Math.max(peakA, peakB) - PEAK_CEILING_DBFS;
        if (over > 0) {
            ga -= over;
            gb -= over;
        }
        return new Match(round(ga), round(gb), la, lb);
    }

    private static double gainTo(double lufs, double target) {
        if (!Double.isFinite(lufs)) return 0;
        double g = target - lufs;
        return Math.abs(g) < UNITY_WINDOW_DB ? 0 : g;
    }

    /** Gains are stored with 0.001 dB resolution; the served clip uses the stored value. */
    private static double round(double db) {
        return Math.rint(db * 1000) / 1000;
    }

    static double peak(AudioBuffer audio) {
        double p = 0;
        for (float[] ch : audio.samples()) for (float v : ch) p = Math.max(p, Math.abs(v));
        return p;
    }

    private static double dbfs(double amplitude) {
        return amplitude > 0 ? 20 * Math.log10(amplitude) : Double.NEGATIVE_INFINITY;
    }

    /** {@code audio} with {@code gainDb} applied, as 48 kHz stereo: what the page plays. */
    static AudioBuffer rendition(AudioBuffer audio, double gainDb) {
        float[][] s = audio.samples();
        float[][] stereo = audio.channels() == 1 ? new float[][] {s[0], s[0]} : new float[][] {s[0], s[1]};
        AudioBuffer out = new AudioBuffer(stereo, audio.sampleRate());
        if (out.sampleRate() != RATE) out = Resampler.highQuality().resample(out, RATE);
        if (gainDb == 0) return out;
        float g = (float) Math.pow(10, gainDb / 20);
        float[][] scaled = new float[2][];
        for (int c = 0; c < 2; c++) {
            float[] x = out.samples()[c], y = new float[x.length];
            for (int i = 0; i < x.length; i++) y[i] = x[i] * g;
            scaled[c] = y;
        }
        return new AudioBuffer(scaled, RATE);
    }

    /** The rendition as the bytes of a 24-bit WAV file. */
    static byte[] wavBytes(AudioBuffer audio, double gainDb) throws IOException {
        AudioBuffer r = rendition(audio, gainDb);
        ByteArrayOutputStream out = new ByteArrayOutputStream(44 + r.frames() * 6);
        WavFile.write(out, r, 24);
        return out.toByteArray();
    }
}
