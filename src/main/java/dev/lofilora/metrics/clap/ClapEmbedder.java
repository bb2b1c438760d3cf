package dev.lofilora.metrics.clap;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.metrics.TinyMetrics;
import dev.lofilora.metrics.WeightLoading;
import dev.lofilora.metrics.WeightsFingerprint;
import dev.lofilora.metrics.vggish.VggishEmbedder;
import dev.lofilora.metrics.vggish.VggishFrontEnd;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.TensorSource;
import dev.lofilora.tensor.Tensors;
import dev.lofilora.tensor.pickle.Checkpoints;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.List;

/**
 * Audio and text → unit CLAP embeddings. Audio is averaged to mono, resampled to 48 kHz by the metric's fixed
 * resampler when it is not already there, optionally int16-quantised ({@link ClapAudio#quantize}, the explicit
 * switch), cut into deterministic 10-s windows ({@link ClapAudio#windows}) and embedded window by window; the clip's
 * embedding is the mean of its window embeddings, re-normalised. Text goes through {@link ClapTokenizer}. Not
 * thread-safe.
 */
public final class ClapEmbedder implements AutoCloseable {
    private static final int BATCH = 4;

    /** One clip: unit embeddings per window [W][J], and the clip's unit embedding [J]. */
    public record AudioEmbedding(float[][] windows, float[] clip) {}

    private final ClapModel model;
    private final ClapTokenizer tokenizer;
    private final Device device;
    private final boolean quantize;
    private final int hopSamples;
    private final String weights;
    private final String fingerprint;

    private ClapEmbedder(ClapModel model, ClapTokenizer tokenizer, Device device, boolean quantize, double hopSeconds,
                         String weights, String fingerprint) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.device = device;
        this.quantize = quantize;
        int sr = model.audio_branch.config().sampleRate();
        this.hopSamples = (int) Math.round(hopSeconds * sr);
        if (hopSamples < 1) throw new LofiException("CLAP window hop " + hopSeconds + " s is not positive", "use e.g. 1 or 10");
        this.weights = weights;
        this.fingerprint = fingerprint;
    }

    /**
     * {@code weights}: "tiny" (with the built-in byte-level tokenizer) or a LAION-CLAP checkpoint ({@code .pt} as
     * published, or safetensors with its key names) whose architecture is read from the tensor shapes;
     * {@code tokenizer}: roberta-base's {@code tokenizer.json} (required for a checkpoint; ignored for tiny).
     */
    public static ClapEmbedder open(String weights, Path tokenizer, ConfigFiles configs, Device device, boolean quantize,
                                    double hopSeconds) {
        if (WeightsFingerprint.isTiny(weights)) {
            ClapModel m = TinyMetrics.clap(configs, device);
            return new ClapEmbedder(m, ClapTokenizer.byteLevel(TinyMetrics.clapShape(configs).text()), device, quantize,
                    hopSeconds, "tiny preset (seeded random weights, byte-level tokenizer)",
                    "tiny:" + TinyMetrics.fingerprint(configs, TinyMetrics.CLAP));
        }
        Path file = Path.of(weights);
        if (tokenizer == null) {
            throw new LofiException("no tokenizer.json given for the CLAP checkpoint " + file,
                    "pass --clap-tokenizer with roberta-base's tokenizer.json (FacebookAI/roberta-base)");
        }
        ClapModel model;
        RobertaConfig text;
        try (TensorSource src = Checkpoints.open(file)) {
            ClapShapes.Shape shape = ClapShapes.infer(src, file);
            text = shape.text();
            model = new ClapModel(shape.audio(), shape.text(), shape.joint());
            WeightLoading.load(model, src, file, "", ClapModel.UNUSED_KEYS, shape.audio().describe() + " CLAP", device);
        }
        return new ClapEmbedder(model, ClapTokenizer.open(tokenizer, text), device, quantize, hopSeconds,
                file + " (tokenizer " + tokenizer + ")", WeightsFingerprint.of(file) + "|" + WeightsFingerprint.of(tokenizer));
    }

    /** An audio-only embedder over a model built elsewhere (benchmarks, tests): {@link #embedText} is unavailable. */
    public static ClapEmbedder audioOnly(ClapModel model, Device device, boolean quantize, double hopSeconds, String weights) {
        return new ClapEmbedder(model, null, device, quantize, hopSeconds, weights, WeightsFingerprint.ofText(weights));
    }

    /** The clip's windows and embedding (see the class comment). */
    public AudioEmbedding embedAudio(AudioBuffer audio) {
        HtsatConfig c = model.audio_branch.config();
        float[] mono = VggishFrontEnd.mono(audio.samples());
        if (audio.sampleRate() != c.sampleRate()) {
            mono = VggishEmbedder.RESAMPLER.resample(new AudioBuffer(new float[][] {mono}, audio.sampleRate()),
                    c.sampleRate()).samples()[0];
        }
        if (mono.length == 0) throw new IllegalArgumentException("empty clip");
        if (quantize) mono = ClapAudio.quantize(mono);
        List<float[]> windows = ClapAudio.windows(mono, c.clipSamples(), hopSamples);
        int j = model.jointEmbedShape();
        float[][] out = new float[windows.size()][];
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (int start = 0; start < windows.size(); start += BATCH) {
                int len = Math.min(BATCH, windows.size() - start);
                float[] flat = new float[len * c.clipSamples()];
                for (int i = 0; i < len; i++) System.arraycopy(windows.get(start + i), 0, flat, i * c.clipSamples(), c.clipSamples());
                Tensor batch = Tensors.fromFloatArray(flat, len, c.clipSamples()).to(device, ScalarType.Float);
                float[] emb = Tensors.toFloatArray(model.audioEmbedding(batch, Capture.NONE));
                for (int i = 0; i < len; i++) out[start + i] = java.util.Arrays.copyOfRange(emb, i * j, (i + 1) * j);
            }
        }
        return new AudioEmbedding(out, meanUnit(out));
    }

    /** Unit text embeddings [texts][J]. */
    public float[][] embedText(List<String> texts) {
        if (tokenizer == null) throw new IllegalStateException("an audio-only CLAP embedder has no tokenizer");
        int j = model.jointEmbedShape();
        float[][] out = new float[texts.size()][];
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (int start = 0; start < texts.size(); start += 16) {
                List<String> part = texts.subList(start, Math.min(texts.size(), start + 16));
                ClapTokenizer.Batch b = tokenizer.batch(part);
                float[] emb = Tensors.toFloatArray(model.textEmbedding(b.inputIds().to(device, ScalarType.Long),
                        b.attentionMask().to(device, ScalarType.Long), Capture.NONE));
                for (int i = 0; i < part.size(); i++) out[start + i] = java.util.Arrays.copyOfRange(emb, i * j, (i + 1) * j);
            }
        }
        return out;
    }

    /** The normalised mean of unit vectors. */
    static float[] meanUnit(float[][] rows) {
        int d = rows[0].length;
        double[] sum = new double[d];
        for (float[] r : rows) for (int i = 0; i < d; i++) sum[i] += r[i];
        double norm = 0;
        for (double v : sum) norm += v * v;
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] out = new float[d];
        for (int i = 0; i < d; i++) out[i] = (float) (sum[i] / norm);
        return out;
    }

    public int dim() { return model.jointEmbedShape(); }

    public double windowSeconds() { return model.audio_branch.config().clipSeconds(); }

    public double hopSeconds() { return hopSamples / (double) model.audio_branch.config().sampleRate(); }

    public boolean quantize() { return quantize; }

    public String describe() {
        HtsatConfig c = model.audio_branch.config();
        return "LAION-CLAP " + c.describe() + ", joint " + dim() + "; " + String.format("%.0f-s windows every %.2f s",
                windowSeconds(), hopSeconds()) + (quantize ? ", int16-quantised" : ", not quantised")
                + "; 48 kHz by " + VggishEmbedder.RESAMPLER.engine() + " when needed; weights " + weights;
    }

    public String fingerprint() {
        return WeightsFingerprint.ofText("clap|" + describe() + "|" + fingerprint);
    }

    @Override
    public void close() {
        model.close();
        if (tokenizer != null) tokenizer.close();
    }
}
