package dev.lofilora.preprocess;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.model.codec.CodecLoader;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.frozen.FrozenComponents;
import dev.lofilora.model.io.ComponentFolder;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.tensor.Devices;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;

/** Resolves the {@code --model}, {@code --device} and {@code --bf16-weights} options shared by preprocess and reconstruct. */
public final class FrozenModels {
    private FrozenModels() {}

    /** {@code auto} = CUDA when libtorch sees a GPU, else the CPU; otherwise {@link Devices#parse}. */
    public static Device device(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("auto")) {
            return torch.cuda_is_available() ? Devices.parse("cuda") : Devices.cpu();
        }
        return Devices.parse(spec);
    }

    /**
     * The frozen components of {@code model}: {@code "tiny"} (the shared preset of {@code configs}) or an ACE-Step
     * checkpoint folder.
     *
     * @param bf16 round the released weights to bf16 as ACE-Step's trainer does; null = yes for a checkpoint folder,
     *             no for tiny
     */
    public static FrozenComponents open(String model, Path lyricVocab, Device device, Boolean bf16, ConfigFiles configs) {
        if (model == null || model.isBlank()) {
            throw new LofiException("no --model given", "pass --model tiny or an ACE-Step checkpoint folder");
        }
        if (TinyPreset.isTiny(model)) {
            if (lyricVocab != null) {
                throw new LofiException("--lyric-vocab was given with --model tiny",
                        "the tiny preset builds its own lyric vocabulary; drop --lyric-vocab");
            }
            FrozenComponents f = TinyPreset.load(configs).frozenComponents(device);
            if (Boolean.TRUE.equals(bf16)) {
                dev.lofilora.nn.Bf16Rounding.apply(f.codec());
                dev.lofilora.nn.Bf16Rounding.apply(f.textEncoder().model());
            }
            return f;
        }
        return FrozenComponents.load(Path.of(model), lyricVocab, device, bf16 == null || bf16);
    }

    /** The audio codec alone (DCAE + vocoder) of {@code model}; {@code bf16} as in {@link #open}. */
    public static MusicDcae codec(String model, Device device, Boolean bf16, ConfigFiles configs) {
        if (model == null || model.isBlank()) {
            throw new LofiException("no --model given", "pass --model tiny or an ACE-Step checkpoint folder");
        }
        MusicDcae codec;
        boolean round;
        if (TinyPreset.isTiny(model)) {
            codec = TinyPreset.load(configs).musicDcae(device);
            round = Boolean.TRUE.equals(bf16);
        } else {
            Path dir = Path.of(model);
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new LofiException(dir, java.nio.file.Files.exists(dir) ? "is not a folder" : "does not exist",
                        "point --model at an ACE-Step v1 checkpoint folder, or use --model tiny");
            }
            codec = CodecLoader.musicDcae(MusicDcaeConfig.ACE_STEP,
                    new ComponentFolder(dir.resolve(FrozenComponents.DCAE_DIR), "the DCAE folder " + FrozenComponents.DCAE_DIR),
                    new ComponentFolder(dir.resolve(FrozenComponents.VOCODER_DIR), "the vocoder folder "
                            + FrozenComponents.VOCODER_DIR), device);
            round = bf16 == null || bf16;
        }
        if (round) dev.lofilora.nn.Bf16Rounding.apply(codec);
        return codec;
    }
}
