package dev.lofilora.infer;

import dev.lofilora.common.LofiException;
import dev.lofilora.model.frozen.FrozenComponents;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.tokenizer.LyricTokenizer;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.AceStepTransformerLoader;
import dev.lofilora.nn.Bf16Rounding;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The libtorch engine: the Java modules of the transformer and the frozen components, on any device, in float32 or
 * (transformer and sampler) bfloat16, with a LoRA applied unmerged ({@link InferenceLora}).
 */
final class TorchBackend implements GenerationBackend {
    private final ACEStepTransformer2DModel transformer;
    private final TorchDiffusionModel diffusion;
    private final AutoCloseable transformerOwner;
    private final FrozenComponents frozen;
    private InferenceLora lora;
    private final Device device;
    private final ScalarType dtype;
    private final String description;

    private TorchBackend(ACEStepTransformer2DModel transformer, AutoCloseable owner, FrozenComponents frozen,
                         InferenceLora lora, Device device, ScalarType dtype, String description) {
        this.transformer = transformer;
        this.diffusion = new TorchDiffusionModel(transformer);
        this.transformerOwner = owner;
        this.frozen = frozen;
        this.lora = lora;
        this.device = device;
        this.dtype = dtype;
        this.description = description;
    }

    static TorchBackend open(String model, Text2MusicPipeline.Options o) {
        Device device = Text2MusicPipeline.device(o.device());
        ScalarType dtype = o.bf16() ? ScalarType.BFloat16 : ScalarType.Float;
        ACEStepTransformer2DModel transformer;
        AutoCloseable owner;
        FrozenComponents frozen = null;
        String description;
        TinyPreset preset = null;
        if (TinyPreset.isTiny(model)) {
            if (o.lyricVocab() != null) {
                throw new LofiException("--lyric-vocab was given with --model tiny",
                        "the tiny preset builds its own lyric vocabulary; drop --lyric-vocab");
            }
            preset = TinyPreset.load(o.configs());
            preset.checkFrozenDimensions();
            transformer = preset.transformer(device, dtype);
            owner = transformer;
            description = "tiny preset";
        } else {
            Path dir = Path.of(model);
            if (!Files.isDirectory(dir)) {
                throw new LofiException(dir, Files.exists(dir) ? "is not a folder" : "does not exist",
                        "point --model at an ACE-Step v1 checkpoint folder, or use --model tiny");
            }
            Path t = dir.resolve(Text2MusicPipeline.TRANSFORMER_DIR);
            if (!Files.isDirectory(t)) {
                throw new LofiException(t, "does not exist (the transformer folder of the checkpoint)",
                        Files.isRegularFile(dir.resolve("manifest.json"))
                                ? "this is an ONNX export: add --engine onnx"
                                : "point --model at the ACE-Step-v1-3.5B folder that holds ace_step_transformer/");
            }
            AceStepTransformerLoader.Loaded loaded = AceStepTransformerLoader.load(t, device, dtype, false);
            transformer = loaded.model();
            owner = loaded;
            description = dir.toString();
        }
        InferenceLora lora = null;
        try {
            frozen = preset != null ? preset.frozenComponents(device)
                    : FrozenComponents.load(Path.of(model), o.lyricVocab(), device, false);
            if (o.bf16()) {
                // The frozen components' Java models run in float32 only (their bf16 forward is not ported): with
                // --bf16 they keep float32 activations over bf16-rounded weights and buffers, the closest they get to
                // ACE-Step's all-bf16 pipeline.
                Bf16Rounding.apply(frozen.codec());
                Bf16Rounding.apply(frozen.textEncoder().model());
            }
            if (o.lora() != null) lora = InferenceLora.apply(transformer, o.lora(), o.loraScale(), o.loraMode());
            return new TorchBackend(transformer, owner, frozen, lora, device, dtype, description);
        } catch (RuntimeException e) {
            if (frozen != null) frozen.close();
            closeQuietly(owner);
            throw e;
        }
    }

    ACEStepTransformer2DModel model() { return transformer; }

    FrozenComponents frozen() { return frozen; }

    @Override public AceStepConfig config() { return transformer.config; }

    @Override public PromptStates text() { return PromptStates.of(frozen.textEncoder()); }

    @Override public LyricTokenizer lyricTokenizer() { return frozen.lyricTokenizer(); }

    @Override public DiffusionModel transformer() { return diffusion; }

    @Override public LatentCodec codec() { return LatentCodec.of(frozen.codec()); }

    /** The module's own decode (bit for bit what the codec tests pin), the windowed one when asked. */
    @Override
    public Tensor decode(Tensor latents, int sampleRate, double seconds, boolean overlapped) {
        return LatentDecoder.decode(frozen.codec(), latents, sampleRate, seconds, overlapped);
    }

    @Override public Device device() { return device; }

    @Override public ScalarType dtype() { return dtype; }

    @Override public String description() { return description; }

    @Override public InferenceLora lora() { return lora; }

    /** Removes the current adapter, then applies {@code path}; a file that does not fit leaves no LoRA and throws. */
    @Override
    public void setLora(java.nio.file.Path path, double scale, InferenceLora.ScaleMode mode) {
        if (lora != null) {
            lora.close();
            lora = null;
        }
        if (path != null) lora = InferenceLora.apply(transformer, path, scale, mode);
    }

    @Override
    public void close() {
        if (lora != null) lora.close();
        frozen.close();
        closeQuietly(transformerOwner);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
