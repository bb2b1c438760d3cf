package dev.lofilora.model.vocoder;

import dev.lofilora.model.mel.LogMelSpectrogram;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * ACE-Step's music vocoder ({@code music_vocoder.py}): a ConvNeXt {@code backbone} and a HiFi-GAN {@code head}
 * turning a 44.1 kHz log-mel [B, 128, F] into audio [B, 1, 512·F], plus the log-mel front end
 * {@code mel_transform} whose buffers live in the same state dict.
 */
public final class ADaMoSHiFiGANV1 extends Module {
    public final VocoderConfig config;
    public final ConvNeXtEncoder backbone;
    public final HiFiGANGenerator head;
    public final LogMelSpectrogram mel_transform;

    public ADaMoSHiFiGANV1(VocoderConfig config) {
        this.config = config;
        backbone = module("backbone", new ConvNeXtEncoder(config.inputChannels(), config.depths(), config.dims(),
                config.kernelSizes()));
        head = module("head", new HiFiGANGenerator(config));
        mel_transform = module("mel_transform", new LogMelSpectrogram(config.mel()));
    }

    /** {@code decode}: mel [B, n_mels, F] → wav [B, 1, hop·F]. */
    public Tensor decode(Tensor mel) {
        return decode(mel, Capture.NONE);
    }

    /** As {@link #decode(Tensor)}, recording {@code backbone_output}. */
    public Tensor decode(Tensor mel, Capture capture) {
        Tensor features = backbone.forward(mel);                                     // [B, num_mels, F]
        if (capture.active()) capture.put("backbone_output", features);
        return head.forward(features);
    }

    /** {@code encode}: wav [B, L] at the mel sample rate → log-mel [B, n_mels, F]. */
    public Tensor encode(Tensor wav) {
        return mel_transform.forward(wav);
    }
}
