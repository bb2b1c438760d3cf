package dev.lofilora.model.codec;

import dev.lofilora.model.dcae.AutoencoderDC;
import dev.lofilora.model.dcae.DcaeConfig;
import dev.lofilora.model.umt5.UMT5EncoderModel;
import dev.lofilora.model.umt5.Umt5Config;
import dev.lofilora.model.vocoder.ADaMoSHiFiGANV1;
import dev.lofilora.model.vocoder.VocoderConfig;
import org.bytedeco.pytorch.Device;

import java.util.Map;
import java.util.Set;

/**
 * Loads the frozen components from their folders (config.json + safetensors), strictly by name, in float32 on a
 * device, in eval mode. The vocoder's log-mel buffers ({@code mel_transform.*}) are computed when the file lacks
 * them; UMT5's tied {@code encoder.embed_tokens.weight} stands in for {@code shared.weight} when only it is stored.
 */
public final class CodecLoader {
    private CodecLoader() {}

    public static AutoencoderDC dcae(ComponentFolder folder, Device device) {
        AutoencoderDC m = new AutoencoderDC(DcaeConfig.read(folder.config()));
        return load(folder, m, device, Set.of(), Map.of(), Set.of());
    }

    public static ADaMoSHiFiGANV1 vocoder(ComponentFolder folder, Device device) {
        ADaMoSHiFiGANV1 m = new ADaMoSHiFiGANV1(VocoderConfig.read(folder.config()));
        return load(folder, m, device, Set.of("mel_transform.spectrogram.window", "mel_transform.mel_scale.fb"),
                Map.of(), Set.of());
    }

    public static UMT5EncoderModel umt5(ComponentFolder folder, Device device) {
        UMT5EncoderModel m = new UMT5EncoderModel(Umt5Config.read(folder.config()));
        return load(folder, m, device, Set.of(), Map.of("shared.weight", UMT5EncoderModel.TIED_ALIAS),
                Set.of(UMT5EncoderModel.TIED_ALIAS));
    }

    /** The codec of an ACE-Step checkpoint or golden set from its DCAE and vocoder folders. */
    public static MusicDcae musicDcae(MusicDcaeConfig config, ComponentFolder dcaeFolder, ComponentFolder vocoderFolder,
                                      Device device) {
        AutoencoderDC d = dcae(dcaeFolder, device);
        try {
            MusicDcae m = new MusicDcae(config, d, vocoder(vocoderFolder, device));
            m.to(device, org.bytedeco.pytorch.global.torch.ScalarType.Float);
            m.train(false);
            return m;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static <M extends dev.lofilora.nn.Module> M load(ComponentFolder folder, M m, Device device,
                                                            Set<String> optional, Map<String, String> aliases,
                                                            Set<String> ignored) {
        try {
            folder.load(m, device, optional, aliases, ignored);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
