package dev.lofilora.model.codec;

import dev.lofilora.model.dcae.AutoencoderDC;
import dev.lofilora.model.dcae.DcaeConfig;
import dev.lofilora.model.io.ComponentFolder;
import dev.lofilora.model.vocoder.ADaMoSHiFiGANV1;
import dev.lofilora.model.vocoder.VocoderConfig;
import org.bytedeco.pytorch.Device;

import java.util.Map;
import java.util.Set;

/**
 * Loads the codec's components from their folders (config.json + safetensors), strictly by name, in float32 on a
 * device, in eval mode. The vocoder's log-mel buffers ({@code mel_transform.*}) are computed when the file lacks
 * them.
 */
public final class CodecLoader {
    private CodecLoader() {}

    public static AutoencoderDC dcae(ComponentFolder folder, Device device) {
        AutoencoderDC m = new AutoencoderDC(DcaeConfig.read(folder.config()));
        return load(folder, m, device, Set.of(), Map.of(), Set.of());
    }

    public static ADaMoSHiFiGANV1 vocoder(ComponentFolder folder, Device device) {
        ADaMoSHiFiGANV1 m = new ADaMoSHiFiGANV1(VocoderConfig.read(folder.config()));
        // a checkpoint saved with torch's newer parametrize-based weight norm names g and v original0/original1
        Map<String, String> aliases = new java.util.HashMap<>();
        for (String key : m.stateDict().keySet()) {
            if (key.endsWith(".weight_g")) aliases.put(key, key.replace(".weight_g", ".parametrizations.weight.original0"));
            if (key.endsWith(".weight_v")) aliases.put(key, key.replace(".weight_v", ".parametrizations.weight.original1"));
        }
        return load(folder, m, device, Set.of("mel_transform.spectrogram.window", "mel_transform.mel_scale.fb"),
                aliases, Set.of());
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
