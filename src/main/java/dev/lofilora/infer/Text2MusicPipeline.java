package dev.lofilora.infer;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.NoiseSource;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.frozen.FrozenComponents;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepTransformerLoader;
import dev.lofilora.nn.Bf16Rounding;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ACE-Step's text2music pipeline ({@code ACEStepPipeline.__call__}, research/acestep.md §5.1) on libtorch, loaded once
 * for any number of clips: UMT5 on the prompt (and the ERG-tag null text), lyric tokens, a zero speaker, the
 * condition encodings, the denoising loop, DCAE decode and the vocoder per stereo channel, 44.1 → 48 kHz.
 *
 * <p>Precision: float32 by default; {@code bf16} runs the transformer and the sampler in bfloat16 as ACE-Step's default
 * pipeline does (the latents too; the schedulers upcast each step), while the frozen components keep float32
 * activations over bf16-rounded weights (their Java models have no bf16 forward yet). The initial noise is drawn on
 * the CPU with one libtorch generator per clip seeded with its seed — the numbers ACE-Step's CPU generator gives — and
 * moved to the device, so a seed gives the same noise on every device (ACE-Step draws on the device's generator
 * instead); PingPong's per-step noise comes from the same generator, as from ACE-Step's {@code random_generators[0]}.
 * Not thread-safe.
 */
public final class Text2MusicPipeline implements AutoCloseable {
    /** The folder of the transformer inside an ACE-Step v1 checkpoint. */
    public static final String TRANSFORMER_DIR = "ace_step_transformer";
    /** ACE-Step's output rate. */
    public static final int SAMPLE_RATE = 48000;

    /**
     * How to load.
     *
     * @param device     "auto" (CUDA when available), "cpu", "cuda" or "cuda:N"
     * @param bf16       the transformer and sampler in bfloat16 (ACE-Step's default dtype), the frozen components with
     *                   bf16-rounded weights; float32 otherwise
     * @param lyricVocab ACE-Step's lyric vocabulary, or null for the one beside the checkpoint (not for tiny)
     * @param lora       a LoRA file or folder, or null
     * @param loraScale  {@code --lora-scale}
     * @param loraMode   what the scale means
     * @param configs    where the tiny preset is read from
     */
    public record Options(String device, boolean bf16, Path lyricVocab, Path lora, double loraScale,
                          InferenceLora.ScaleMode loraMode, ConfigFiles configs) {
        public static Options cpu(ConfigFiles configs) {
            return new Options("cpu", false, null, null, 1.0, InferenceLora.ScaleMode.TRAINING, configs);
        }
    }

    /** One generated clip: stereo 48 kHz audio, the latent frames, the seed used and the stage times (s). */
    public record Generated(AudioBuffer audio, int frames, long seed, double encodeSeconds, double diffusionSeconds,
                            double decodeSeconds) {}

    private final ACEStepTransformer2DModel transformer;
    private final AutoCloseable transformerOwner;
    private final FrozenComponents frozen;
    private InferenceLora lora;
    private final Device device;
    private final ScalarType dtype;
    private final String description;

    private Text2MusicPipeline(ACEStepTransformer2DModel transformer, AutoCloseable owner, FrozenComponents frozen,
                               InferenceLora lora, Device device, ScalarType dtype, String description) {
        this.transformer = transformer;
        this.transformerOwner = owner;
        this.frozen = frozen;
        this.lora = lora;
        this.device = device;
        this.dtype = dtype;
        this.description = description;
    }

    /**
     * Loads {@code model} ("tiny", or an ACE-Step v1 checkpoint folder with {@code ace_step_transformer/},
     * {@code music_dcae_f8c8/}, {@code music_vocoder/}, {@code umt5-base/} and a lyric vocabulary) and the LoRA.
     * Every problem (missing folder, mismatched LoRA) is a {@link LofiException} naming the file, raised before any
     * clip is generated.
     */
    public static Text2MusicPipeline open(String model, Options o) {
        if (model == null || model.isBlank()) {
            throw new LofiException("no --model given", "pass --model tiny or an ACE-Step v1 checkpoint folder");
        }
        Device device = device(o.device());
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
            Path t = dir.resolve(TRANSFORMER_DIR);
            if (!Files.isDirectory(t)) {
                throw new LofiException(t, "does not exist (the transformer folder of the checkpoint)",
                        "point --model at the ACE-Step-v1-3.5B folder that holds ace_step_transformer/");
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
            return new Text2MusicPipeline(transformer, owner, frozen, lora, device, dtype, description);
        } catch (RuntimeException e) {
            if (frozen != null) frozen.close();
            closeQuietly(owner);
            throw e;
        }
    }

    /** {@code auto} = CUDA when libtorch sees a GPU, else the CPU; otherwise {@link Devices#parse}. */
    public static Device device(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("auto")) {
            return torch.cuda_is_available() ? Devices.parse("cuda") : Devices.cpu();
        }
        return Devices.parse(spec);
    }

    public ACEStepTransformer2DModel transformer() { return transformer; }

    public FrozenComponents frozen() { return frozen; }

    /** The applied LoRA, or null. */
    public InferenceLora lora() { return lora; }

    /**
     * Replaces the applied LoRA without reloading the model (lofi validate --run renders every checkpoint of a run
     * with one load): the current adapter is removed first, then {@code path} (null: none) is applied as
     * {@link Options} would. A file that does not fit leaves the pipeline without a LoRA and throws.
     */
    public void setLora(Path path, double scale, InferenceLora.ScaleMode mode) {
        if (lora != null) {
            lora.close();
            lora = null;
        }
        if (path != null) lora = InferenceLora.apply(transformer, path, scale, mode);
    }

    public Device device() { return device; }

    public ScalarType dtype() { return dtype; }

    /** Where the model came from ("tiny preset" or the checkpoint folder). */
    public String description() { return description; }

    /** Checks that {@code item}'s lyrics can be tokenised (throws {@link LofiException} naming the line otherwise). */
    public void checkLyrics(GenerationItem item) {
        if (!item.lyrics().isEmpty()) frozen.lyricTokenizer().encodeForInference(item.lyrics());
    }

    /**
     * Generates one clip.
     *
     * @param overlappedDecode ACE-Step's {@code overlapped_decode}: the windowed decode above 48 s
     */
    public Generated generate(GenerationItem item, long seed, SamplingSettings sampling, ErgSwitches erg,
                              boolean overlappedDecode, DenoisingLoop.Listener listener) {
        try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            long t0 = System.nanoTime();
            Conditioning c = PromptEncoder.encode(frozen.textEncoder(), frozen.lyricTokenizer(), transformer.config,
                    item.prompt(), item.lyrics(), 1, erg.tag());
            int frames = GenerationItem.frames(item.duration());
            Generator gen = torch.createCPUGenerator(seed);
            Tensor init = torch.randn(new long[] {1, transformer.config.inChannels(), transformer.config.maxHeight(), frames},
                    new GeneratorOptional(gen), new TensorOptions().dtype(new ScalarTypeOptional(dtype)))
                    .to(device, dtype);                                                      // [1, 8, 16, T]
            NoiseSource noise = like -> torch.empty(like.sizes().vec().get(), new TensorOptions()
                    .dtype(new ScalarTypeOptional(ScalarType.Float)), new org.bytedeco.pytorch.MemoryFormatOptional())
                    .normal_(0.0, 1.0, new GeneratorOptional(gen)).to(like.device(), ScalarType.Float);
            long t1;
            Tensor latents;
            try (FlowMatchScheduler scheduler = sampling.newScheduler(device, dtype);
                 TransformerDenoiser denoiser = new TransformerDenoiser(transformer, c, erg,
                         sampling.guidance().doDoubleCondition())) {
                t1 = System.nanoTime();
                latents = new DenoisingLoop(scheduler, sampling.guidance(), sampling.omegaScale())
                        .run(init, denoiser, noise, listener);
            }
            long t2 = System.nanoTime();
            MusicDcae codec = frozen.codec();
            Tensor wav = LatentDecoder.decode(codec, latents.to(ScalarType.Float), SAMPLE_RATE,
                    item.duration(), overlappedDecode);                                       // [1, 2, L]
            float[][] samples = {Tensors.toFloatArray(wav.select(0, 0).select(0, 0)),
                    Tensors.toFloatArray(wav.select(0, 0).select(0, 1))};
            long t3 = System.nanoTime();
            return new Generated(new AudioBuffer(samples, SAMPLE_RATE), frames, seed, (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        }
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
