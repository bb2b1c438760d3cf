package dev.lofilora.model.mel;

import dev.lofilora.SharedFiles;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The log-mel front end's pieces against torchaudio's buffers and against closed forms. */
class MelFrontEndTest {
    @Test
    void resampleKernelEqualsTorchaudiosBitForBit() {
        var golden = SharedFiles.require("golden/codecs/A/pipeline/io.safetensors");
        try (PointerScope s = new PointerScope(); SafetensorsFile f = SafetensorsFile.open(golden);
             Resample r = new Resample(48000, 44100)) {
            assertEquals(160, r.orig);
            assertEquals(147, r.target);
            assertEquals(7, r.width);
            assertTrue(Tensors.bitIdentical(f.tensor("resampler_kernel"), r.kernel.value()),
                    "kernel [147, 1, 174] as torchaudio computes it (float32 j/new step included)");
        }
    }

    @Test
    void filterbankAndWindowEqualTheVocoderBuffers() {
        var golden = SharedFiles.require("golden/codecs/A/vocoder/weights.safetensors");
        try (PointerScope s = new PointerScope(); SafetensorsFile f = SafetensorsFile.open(golden);
             LogMelSpectrogram mel = new LogMelSpectrogram(LogMelConfig.ACE_STEP)) {
            // both are float32 computations; the original's torch 1.13 and this libtorch 2.10 round their cos/exp
            // kernels differently in the last bit (measured: window 6e-8 = 1 ulp of 1, fb 1.6e-7), below the
            // original's own float32-vs-float64 error (golden README: 1.98e-7 window, 1.74e-7 fb)
            assertTrue(Tensors.maxAbsDiff(f.tensor("mel_transform.spectrogram.window"), mel.spectrogram.window.value()) <= 1.2e-7);
            assertTrue(Tensors.maxAbsDiff(f.tensor("mel_transform.mel_scale.fb"), mel.mel_scale.fb.value()) <= 2e-7);
        }
    }

    @Test
    void resampledLengthAndLatentFramesFollowTheFormulas() {
        try (PointerScope s = new PointerScope(); Resample down = new Resample(48000, 44100);
             Resample up = new Resample(44100, 48000)) {
            for (long n : new long[] {1, 159, 160, 161, 33600, 48000 * 3, 4458}) {
                Tensor y = down.forward(org.bytedeco.pytorch.global.torch.zeros(2, n));
                assertEquals((147 * n + 159) / 160, y.size(1), "⌈147·L/160⌉ for L = " + n);
                assertEquals((160 * y.size(1) + 146) / 147, up.forward(y).size(1));
            }
        }
        // T = ⌈⌈L·147/160⌉ / 4096⌉: 240 s gives ACE-Step's 2584 frames; 4458 samples → 4096 at 44.1 kHz → 1 frame
        assertEquals(2584, MusicDcaeConfig.latentFrames(240L * 48000));
        assertEquals(1, MusicDcaeConfig.latentFrames(4458));
        assertEquals(2, MusicDcaeConfig.latentFrames(4459));
        assertEquals(8, MusicDcaeConfig.latentFrames(33600));
    }

    @Test
    void resamplingKeepsAToneAndLogMelPeaksInItsBand() {
        int n = 48000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * i / 48000.0));
        try (PointerScope s = new PointerScope(); Resample r = new Resample(48000, 44100);
             LogMelSpectrogram mel = new LogMelSpectrogram(LogMelConfig.ACE_STEP)) {
            float[] y = Tensors.toFloatArray(r.forward(Tensors.fromFloatArray(x, 1, n)));
            double worst = 0;
            for (int i = 2000; i < y.length - 2000; i++) {   // away from the zero-padded edges
                worst = Math.max(worst, Math.abs(y[i] - 0.5 * Math.sin(2 * Math.PI * 1000 * i / 44100.0)));
            }
            assertTrue(worst < 2e-3, "1 kHz tone resampled within 2e-3 of the exact one: " + worst);
            Tensor m = mel.forward(Tensors.fromFloatArray(y, 1, y.length));                    // [1, 128, F]
            assertEquals(LogMelConfig.ACE_STEP.frames(y.length), m.size(2));
            long peak = m.mean(new long[] {2}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).argmax().item_long();
            double lo = MelFilterbank.hzToMel(40), hi = MelFilterbank.hzToMel(16000);
            double band = lo + (peak + 1) * (hi - lo) / 129;            // the centre of mel band `peak`
            assertEquals(MelFilterbank.hzToMel(1000), band, (hi - lo) / 129, "the tone's band");
        }
    }
}
