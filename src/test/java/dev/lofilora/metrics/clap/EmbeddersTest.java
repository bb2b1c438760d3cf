package dev.lofilora.metrics.clap;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.metrics.TinyMetrics;
import dev.lofilora.metrics.vggish.VggishEmbedder;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tiny embedders: counts per second of audio, determinism, unit norms, batch invariance. */
class EmbeddersTest {
    private static final Device CPU = new Device(torch.DeviceType.CPU);

    static AudioBuffer noise(int rate, double seconds, long seed) {
        Random r = new Random(seed);
        float[][] ch = new float[2][(int) (rate * seconds)];
        for (float[] c : ch) for (int i = 0; i < c.length; i++) c[i] = (float) (0.2 * r.nextGaussian() * Math.sin(i * 0.001));
        return new AudioBuffer(ch, rate);
    }

    @Test
    void vggishGivesOneEmbeddingPer096sAndIsReproducible() {
        AudioBuffer a = noise(48000, 5.0, 1);
        try (VggishEmbedder v1 = VggishEmbedder.open("tiny", ConfigFiles.defaults(), CPU);
             VggishEmbedder v2 = VggishEmbedder.open("tiny", ConfigFiles.defaults(), CPU)) {
            float[][] e = v1.embed(a);
            assertEquals(5, e.length, "5 s at 16 kHz: 498 frames of 10 ms → 5 examples of 96");
            assertEquals(128, e[0].length);
            float[][] again = v2.embed(a);
            for (int i = 0; i < e.length; i++) assertArrayEquals(e[i], again[i], "seeded tiny weights");
            assertEquals(0, v1.embed(noise(48000, 0.9, 2)).length, "under 0.96 s: no example");
            assertTrue(v1.describe().contains("16000 Hz by swr"), v1.describe());
        }
    }

    @Test
    void htsatEmbeddingsDoNotDependOnTheBatch() {
        TinyMetrics.ClapShape s = TinyMetrics.clapShape(ConfigFiles.defaults());
        try (ClapModel m = TinyMetrics.clap(ConfigFiles.defaults(), CPU); NoGradGuard g = new NoGradGuard()) {
            float[] a = ClapAudio.repeatPad(noise(48000, 3.0, 3).samples()[0], s.audio().clipSamples());
            float[] b = ClapAudio.repeatPad(noise(48000, 4.0, 4).samples()[1], s.audio().clipSamples());
            float[] both = new float[2 * a.length];
            System.arraycopy(a, 0, both, 0, a.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            float[] batch = Tensors.toFloatArray(m.audioEmbedding(Tensors.fromFloatArray(both, 2, a.length), Capture.NONE));
            float[] one = Tensors.toFloatArray(m.audioEmbedding(Tensors.fromFloatArray(b, 1, b.length), Capture.NONE));
            int j = s.joint();
            double worst = 0, norm = 0;
            for (int i = 0; i < j; i++) {
                worst = Math.max(worst, Math.abs(batch[j + i] - one[i]));
                norm += one[i] * one[i];
            }
            assertTrue(worst < 1e-5, "batch of 2 vs alone: " + worst);
            assertEquals(1.0, norm, 1e-5, "unit embedding");
        }
    }

    @Test
    void clapClipAndTextEmbeddingsAreUnitAndOrderFree() {
        try (ClapEmbedder c = ClapEmbedder.open("tiny", null, ConfigFiles.defaults(), CPU, true, 10)) {
            ClapEmbedder.AudioEmbedding e = c.embedAudio(noise(44100, 12.0, 5));
            assertEquals(2, e.windows().length, "12 s: windows at 0 and 10 s (resampled 44.1 → 48 kHz first)");
            assertEquals(1.0, dot(e.clip(), e.clip()), 1e-5);
            List<String> prompts = List.of("lofi hip hop, 84 bpm, a minor", "jazzhop, rhodes");
            float[][] ab = c.embedText(prompts), ba = c.embedText(List.of(prompts.get(1), prompts.get(0)));
            assertArrayEquals(ab[0], ba[1], 1e-6f);
            assertArrayEquals(ab[1], ba[0], 1e-6f);
            assertEquals(1.0, dot(ab[0], ab[0]), 1e-5);
            assertTrue(Math.abs(dot(ab[0], ab[1])) < 0.9999, "different prompts embed differently");
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
