package dev.lofilora.model.dcae;

import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * diffusers {@code AutoencoderDC} (the DC-AE of Sana, used by ACE-Step as {@code music_dcae_f8c8} on stereo mel
 * images): {@code encoder} and {@code decoder}. ACE-Step calls them directly, without {@code scaling_factor}; its own
 * latent shift/scale is applied by {@link dev.lofilora.model.codec.MusicDcae}.
 */
public final class AutoencoderDC extends Module {
    public final DcaeConfig config;
    public final DcaeEncoder encoder;
    public final DcaeDecoder decoder;

    public AutoencoderDC(DcaeConfig config) {
        this.config = config;
        encoder = module("encoder", new DcaeEncoder(config));
        decoder = module("decoder", new DcaeDecoder(config));
    }

    /** normalised mel [B, in, H, W] → raw latent [B, latent, H/f, W/f]. */
    public Tensor encode(Tensor x) { return encoder.forward(x); }

    /** raw latent → normalised mel. */
    public Tensor decode(Tensor z) { return decoder.forward(z); }
}
