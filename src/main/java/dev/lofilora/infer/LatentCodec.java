package dev.lofilora.infer;

import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.codec.MusicDcaeConfig;
import org.bytedeco.pytorch.Tensor;

/**
 * The two frozen decoders as {@link LatentDecoder} calls them, whatever runs them: the libtorch modules of a
 * {@link MusicDcae} ({@link #of}) or exported graphs in ONNX Runtime ({@code export.ort.OnnxEngine}).
 */
public interface LatentCodec {
    /** ACE-Step's latent shift/scale and mel range. */
    MusicDcaeConfig config();

    /** DC-AE decoder: raw latent [1, 8, 16, T] → normalised mel [1, 2, 128, 8T]. */
    Tensor dcaeDecode(Tensor z);

    /** Vocoder: log-mel [B, 128, F] → audio [B, 1, 512·F] at 44.1 kHz. */
    Tensor vocode(Tensor mel);

    /** The libtorch modules of {@code codec}. */
    static LatentCodec of(MusicDcae codec) {
        return new LatentCodec() {
            @Override public MusicDcaeConfig config() { return codec.config; }

            @Override public Tensor dcaeDecode(Tensor z) { return codec.dcae.decode(z); }

            @Override public Tensor vocode(Tensor mel) { return codec.vocoder.decode(mel); }
        };
    }
}
