package dev.lofilora.infer;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.NoiseSource;
import dev.lofilora.model.transformer.AceStepConfig;
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

import java.nio.file.Path;

/**
 * ACE-Step's text2music pipeline ({@code ACEStepPipeline.__call__}, research/acestep.md §5.1), loaded once for any
 * number of clips: UMT5 on the prompt (and the ERG-tag null text), lyric tokens, a zero speaker, the condition
 * encodings, the denoising loop, DCAE decode and the vocoder per stereo channel, 44.1 → 48 kHz. The models run on a
 * {@link GenerationBackend}: libtorch (the Java modules, {@code TorchBackend}) or another engine such as ONNX
 * Runtime on an export of {@code lofi export-onnx}; the flow and the sampler classes are the same for all.
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

    /** The built-in engine. */
    public static final String LIBTORCH = "libtorch";

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
     * @param engine     {@value #LIBTORCH} (the modules), or another registered {@link GenerationBackend.Provider}
     *                   ({@code onnx}: an export of {@code lofi export-onnx} in ONNX Runtime)
     */
    public record Options(String device, boolean bf16, Path lyricVocab, Path lora, double loraScale,
                          InferenceLora.ScaleMode loraMode, ConfigFiles configs, String engine) {
        public Options {
            engine = engine == null || engine.isBlank() ? LIBTORCH : engine.trim().toLowerCase(java.util.Locale.ROOT);
        }

        /** The libtorch engine. */
        public Options(String device, boolean bf16, Path lyricVocab, Path lora, double loraScale,
                       InferenceLora.ScaleMode loraMode, ConfigFiles configs) {
            this(device, bf16, lyricVocab, lora, loraScale, loraMode, configs, LIBTORCH);
        }

        public static Options cpu(ConfigFiles configs) {
            return new Options("cpu", false, null, null, 1.0, InferenceLora.ScaleMode.TRAINING, configs);
        }

        public Options withEngine(String e) {
            return new Options(device, bf16, lyricVocab, lora, loraScale, loraMode, configs, e);
        }
    }

    /** One generated clip: stereo 48 kHz audio, the latent frames, the seed used and the stage times (s). */
    public record Generated(AudioBuffer audio, int frames, long seed, double encodeSeconds, double diffusionSeconds,
                            double decodeSeconds) {}

    private final GenerationBackend backend;

    private Text2MusicPipeline(GenerationBackend backend) {
        this.backend = backend;
    }

    /**
     * Opens {@code model} with the engine of {@code o}: for libtorch "tiny" or an ACE-Step v1 checkpoint folder with
     * {@code ace_step_transformer/}, {@code music_dcae_f8c8/}, {@code music_vocoder/}, {@code umt5-base/} and a lyric
     * vocabulary, and the LoRA; for another engine what it takes (onnx: an export folder). Every problem (missing
     * folder, mismatched LoRA, unknown engine) is a {@link LofiException} naming the file, raised before any clip is
     * generated.
     */
    public static Text2MusicPipeline open(String model, Options o) {
        if (model == null || model.isBlank()) {
            throw new LofiException("no --model given", "pass --model tiny or an ACE-Step v1 checkpoint folder");
        }
        if (o.engine().equals(LIBTORCH)) return new Text2MusicPipeline(TorchBackend.open(model, o));
        java.util.List<String> known = new java.util.ArrayList<>(java.util.List.of(LIBTORCH));
        for (GenerationBackend.Provider p : java.util.ServiceLoader.load(GenerationBackend.Provider.class)) {
            if (p.engine().equals(o.engine())) return new Text2MusicPipeline(p.open(model, o));
            known.add(p.engine());
        }
        throw new LofiException("unknown engine \"" + o.engine() + "\"", "use one of " + known);
    }

    /** {@code auto} = CUDA when libtorch sees a GPU, else the CPU; otherwise {@link Devices#parse}. */
    public static Device device(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("auto")) {
            return torch.cuda_is_available() ? Devices.parse("cuda") : Devices.cpu();
        }
        return Devices.parse(spec);
    }

    /** The backend the flow runs on. */
    public GenerationBackend backend() { return backend; }

    /** The applied LoRA, or null. */
    public InferenceLora lora() { return backend.lora(); }

    /**
     * Replaces the applied LoRA without reloading the model (lofi validate --run renders every checkpoint of a run
     * with one load): the current adapter is removed first, then {@code path} (null: none) is applied as
     * {@link Options} would. A file that does not fit leaves the pipeline without a LoRA and throws.
     */
    public void setLora(Path path, double scale, InferenceLora.ScaleMode mode) {
        backend.setLora(path, scale, mode);
    }

    public Device device() { return backend.device(); }

    public ScalarType dtype() { return backend.dtype(); }

    /** What was loaded ("tiny preset", the checkpoint folder, the export). */
    public String description() { return backend.description(); }

    /** Checks that {@code item}'s lyrics can be tokenised (throws {@link LofiException} naming the line otherwise). */
    public void checkLyrics(GenerationItem item) {
        if (!item.lyrics().isEmpty()) backend.lyricTokenizer().encodeForInference(item.lyrics());
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
            AceStepConfig config = backend.config();
            Device device = backend.device();
            ScalarType dtype = backend.dtype();
            Conditioning c = PromptEncoder.encode(backend.text(), backend.lyricTokenizer(), config, item.prompt(),
                    item.lyrics(), 1, erg.tag());
            int frames = GenerationItem.frames(item.duration());
            Generator gen = torch.createCPUGenerator(seed);
            Tensor init = torch.randn(new long[] {1, config.inChannels(), config.maxHeight(), frames},
                    new GeneratorOptional(gen), new TensorOptions().dtype(new ScalarTypeOptional(dtype)))
                    .to(device, dtype);                                                      // [1, 8, 16, T]
            NoiseSource noise = like -> torch.empty(like.sizes().vec().get(), new TensorOptions()
                    .dtype(new ScalarTypeOptional(ScalarType.Float)), new org.bytedeco.pytorch.MemoryFormatOptional())
                    .normal_(0.0, 1.0, new GeneratorOptional(gen)).to(like.device(), ScalarType.Float);
            long t1;
            Tensor latents;
            try (FlowMatchScheduler scheduler = sampling.newScheduler(device, dtype);
                 TransformerDenoiser denoiser = new TransformerDenoiser(backend.transformer(), c, erg,
                         sampling.guidance().doDoubleCondition())) {
                t1 = System.nanoTime();
                latents = new DenoisingLoop(scheduler, sampling.guidance(), sampling.omegaScale())
                        .run(init, denoiser, noise, listener);
            }
            long t2 = System.nanoTime();
            Tensor wav = backend.decode(latents.to(ScalarType.Float), SAMPLE_RATE, item.duration(),
                    overlappedDecode);                                                        // [1, 2, L]
            float[][] samples = {Tensors.toFloatArray(wav.select(0, 0).select(0, 0)),
                    Tensors.toFloatArray(wav.select(0, 0).select(0, 1))};
            long t3 = System.nanoTime();
            return new Generated(new AudioBuffer(samples, SAMPLE_RATE), frames, seed, (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        }
    }

    @Override
    public void close() {
        backend.close();
    }
}
