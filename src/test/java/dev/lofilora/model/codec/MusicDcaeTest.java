package dev.lofilora.model.codec;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.nn.Bf16Rounding;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The tiny codec: the real model's latent geometry, decode lengths, seeded reproducibility and the bf16 switch. */
class MusicDcaeTest {
    private static Tensor audio(long samples, long seed) {
        torch.manual_seed(seed);
        return torch.randn(1, 2, samples).mul(new Scalar(0.1));
    }

    @Test
    void latentsAre8x16xTWithAceStepsFrameCount() {
        TinyPreset preset = TinyPreset.load(ConfigFiles.defaults());
        try (PointerScope s = new PointerScope(); MusicDcae codec = preset.musicDcae(Devices.cpu())) {
            for (long n : new long[] {4459, 33600}) {   // 4459: one sample past a single frame → T = 2
                MusicDcae.Encoded e = codec.encode(audio(n, n), dev.lofilora.nn.Capture.NONE);
                assertArrayEquals(new long[] {1, 8, 16, MusicDcaeConfig.latentFrames(n)}, Tensors.shape(e.latents()),
                        "T = ⌈⌈L·147/160⌉/4096⌉ for L = " + n);
                assertEquals((long) (n / 48000.0f * 44100 / 512 / 8), e.lengths()[0], "ACE-Step's latent_lengths");
            }
            Tensor z = codec.encode(audio(33600, 1));                                     // T = 8
            Tensor wav = codec.decode(z);
            // the vocoder gives 512 samples per mel frame: 8 latent frames → 32768 at 44.1 kHz → ⌈32768·160/147⌉
            assertArrayEquals(new long[] {1, 2, (32768L * 160 + 146) / 147}, Tensors.shape(wav));
            // tanh bounds the 44.1 kHz output by 1; the windowed-sinc resampler overshoots near-square waves (the golden: 1.63)
            assertTrue(Tensors.maxAbs(wav) < 2 && Tensors.maxAbs(wav) > 0.01, "tanh output, resampled");
        }
    }

    @Test
    void theSameSeedGivesTheSameLatents() {
        TinyPreset preset = TinyPreset.load(ConfigFiles.defaults());
        try (PointerScope s = new PointerScope(); MusicDcae a = preset.musicDcae(Devices.cpu());
             MusicDcae b = preset.musicDcae(Devices.cpu())) {
            Tensor x = audio(48000, 3);
            assertTrue(Tensors.bitIdentical(a.encode(x), b.encode(x)));
        }
    }

    @Test
    void bf16RoundingRoundsEveryWeightAndBufferAndMovesTheLatentsSlightly() {
        TinyPreset preset = TinyPreset.load(ConfigFiles.defaults());
        try (PointerScope s = new PointerScope(); MusicDcae exact = preset.musicDcae(Devices.cpu());
             MusicDcae rounded = preset.musicDcae(Devices.cpu())) {
            int n = Bf16Rounding.apply(rounded);
            int slots = rounded.namedParameters().size() + rounded.namedBuffers(false).size();
            assertEquals(slots, n, "every parameter and buffer, the 48k→44.1k kernel and the mel buffers included");
            for (Parameter p : java.util.List.of(rounded.resampler.kernel, rounded.vocoder.mel_transform.mel_scale.fb,
                    rounded.dcae.encoder.conv_in.weight)) {
                assertTrue(Tensors.bitIdentical(p.value(), p.value().to(ScalarType.BFloat16).to(ScalarType.Float)));
            }
            Tensor x = audio(48000, 5);
            Tensor z0 = exact.encode(x);
            Tensor z1 = rounded.encode(x);
            double rel = Tensors.maxAbsDiff(z0, z1) / Tensors.maxAbs(z0);
            assertTrue(rel > 1e-5 && rel < 0.1, "bf16 weights change the latent by a small relative amount: " + rel);
        }
    }
}
