package dev.lofilora.infer;

import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * ACE-Step's overlapped decode on the tiny codec: the windowed vocoder equals the whole-clip vocoder away from its
 * seams (it is convolutional, so only samples within its receptive field of a window edge can differ), the windowed
 * DCAE keeps exactly 8 mel frames per latent frame, and the output is cut to int(T·4096·48000/44100) samples.
 */
class LatentDecoderTest {
    @Test
    void theWindowedVocoderMatchesTheWholeClipAwayFromItsSeams() {
        dev.lofilora.tensor.Threads threads = InferFixtures.singleThread();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard();
             MusicDcae codec = InferFixtures.PRESET.musicDcae(Devices.cpu())) {
            long frames = 1100;                                                      // 3 vocoder windows of 512 frames
            Tensor mel = torch.randn(1, 2, 128, frames).mul(new org.bytedeco.pytorch.Scalar(2.0))
                    .sub(new org.bytedeco.pytorch.Scalar(5.0));
            Tensor windowed = LatentDecoder.vocode(codec, mel);                      // [2, S]
            // the last window is zero-padded to 512 frames and kept whole; decode_overlap cuts the excess at the end
            assertEquals(261_120 + 260_096 + 261_120, windowed.size(1));
            Tensor whole = codec.vocoder.decode(mel.select(0, 0)).squeeze(1);       // [2, S]
            // the first window's samples well before its end (262,144 − 1024 samples kept) are the same computation
            long safe = 200_000;
            double head = Tensors.maxAbsDiff(windowed.narrow(1, 0, safe), whole.narrow(1, 0, safe));
            double ref = Tensors.maxAbs(whole);
            assertTrue(head <= 1e-4 * ref, "first window interior: " + head + " of " + ref);
            // the middle of the second window, far from both seams
            long mid = 260_096 + 131_072;
            double middle = Tensors.maxAbsDiff(windowed.narrow(1, mid - 20_000, 40_000),
                    whole.narrow(1, mid - 20_000, 40_000));
            assertTrue(middle <= 1e-4 * ref, "second window interior: " + middle + " of " + ref);
        } finally {
            threads.close();
        }
    }

    @Test
    void theWindowedDcaeKeepsEightMelFramesPerLatentFrameAndTheOutputIsCut() {
        dev.lofilora.tensor.Threads threads = InferFixtures.singleThread();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard();
             MusicDcae codec = InferFixtures.PRESET.musicDcae(Devices.cpu())) {
            for (long t : new long[] {40, 520}) {                                   // one window; two windows
                Tensor z = torch.randn(1, 8, 16, t);
                assertEquals(8 * t, LatentDecoder.mels(codec, z).size(3), "T = " + t);
            }
            Tensor latents = torch.randn(1, 8, 16, 12);
            Tensor wav = LatentDecoder.decodeOverlapped(codec, latents, 48000);
            assertArrayEquals(new long[] {1, 2, (long) (12 * 4096 * 48000.0 / 44100)}, Tensors.shape(wav));
            assertTrue(Double.isFinite(Tensors.maxAbs(wav)));
        } finally {
            threads.close();
        }
    }
}
