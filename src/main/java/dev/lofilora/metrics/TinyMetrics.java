package dev.lofilora.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.metrics.clap.ClapModel;
import dev.lofilora.metrics.clap.FrontEndWeights;
import dev.lofilora.metrics.clap.HtsatConfig;
import dev.lofilora.metrics.clap.RobertaConfig;
import dev.lofilora.metrics.vggish.Vggish;
import dev.lofilora.metrics.vggish.VggishConfig;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.nn.LoadReport;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metric networks of the {@code tiny} preset ({@code config/tiny_model.json} sections {@code vggish} and
 * {@code clap}, DESIGN §7): toy widths, seeded random weights (seed + the section's {@code _seed_offset}) scaled so
 * signals stay O(1) — He-normal convs and linears, LayerNorm gains 1 + N(0, 0.1²), embeddings N(0, 1), relative
 * position biases N(0, 0.02²) — and the front-end tensors a checkpoint would carry computed from their formulas
 * (DFT kernels, Slaney mel matrix, bn0 statistics for log-mel in dB). Buffers the modules compute (position indices,
 * shift masks) are kept. The same config and seed always give the same weights.
 */
public final class TinyMetrics {
    /** The section names in tiny_model.json. */
    public static final String VGGISH = "vggish", CLAP = "clap";

    private TinyMetrics() {}

    public static Vggish vggish(ConfigFiles configs, Device device) {
        TinyPreset preset = TinyPreset.load(configs);
        JsonNode s = preset.section(VGGISH);
        Path src = configs.describe(TinyPreset.FILE);
        Vggish model = new Vggish(VggishConfig.parse(s, src));
        randomise(model, preset.seed() + offset(s, src), device);
        return model;
    }

    /** HTSAT config, RoBERTa config and joint width of the tiny CLAP. */
    public record ClapShape(HtsatConfig audio, RobertaConfig text, int joint) {}

    public static ClapShape clapShape(ConfigFiles configs) {
        JsonNode s = TinyPreset.load(configs).section(CLAP);
        Path src = configs.describe(TinyPreset.FILE);
        return new ClapShape(HtsatConfig.parse(s.get("audio"), src), RobertaConfig.parse(s.get("text"), src),
                new JsonFields(s, src).integer("joint_embed_shape", 512));
    }

    public static ClapModel clap(ConfigFiles configs, Device device) {
        TinyPreset preset = TinyPreset.load(configs);
        JsonNode s = preset.section(CLAP);
        ClapShape shape = clapShape(configs);
        ClapModel model = new ClapModel(shape.audio(), shape.text(), shape.joint());
        randomise(model, preset.seed() + offset(s, configs.describe(TinyPreset.FILE)), device);
        return model;
    }

    /** Identity of a tiny network for cache keys: its section and the preset's seed. */
    public static String fingerprint(ConfigFiles configs, String section) {
        TinyPreset preset = TinyPreset.load(configs);
        return WeightsFingerprint.ofText(section + "|" + preset.seed() + "|" + preset.section(section));
    }

    private static long offset(JsonNode section, Path src) {
        JsonNode o = section.get("_seed_offset");
        if (o == null || !o.canConvertToLong()) throw new LofiException(src, "section has no integer _seed_offset", "restore it");
        return o.asLong();
    }

    /**
     * Fills every parameter (and the checkpoint-style buffers) of a VGGish or CLAP {@code model} with seeded random
     * weights as described in the class comment (also used for released-shape models in benchmarks).
     */
    public static void randomise(Module model, long seed, Device device) {
        torch.manual_seed(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.stateDict().entrySet()) {
            Tensor t = value(e.getKey(), e.getValue().shape(), model);
            if (t != null) w.put(e.getKey(), t);
        }
        LoadReport r = model.loadStateDict(w.keySet(), k -> new Tensor(w.get(k)), device, ScalarType.Float, false);
        for (String missing : r.missing()) {
            if (!model.stateDict().get(missing).value().is_meta()) continue; // a computed buffer, kept
            throw new IllegalStateException("no random rule for " + missing);
        }
        model.to(device, ScalarType.Float);
        model.train(false);
        model.requiresGrad(false);
    }

    private static Tensor value(String name, long[] shape, Module model) {
        if (name.endsWith("relative_position_index") || name.endsWith("attn_mask") || name.endsWith("position_ids")) {
            return null; // computed by the module
        }
        if (name.endsWith("num_batches_tracked")) return Tensors.fromLongArray(new long[] {0});
        if (name.endsWith("stft.conv_real.weight") || name.endsWith("stft.conv_imag.weight")) {
            int nfft = (int) shape[2];
            float[][] k = FrontEndWeights.dftKernels(nfft);
            return Tensors.fromFloatArray(name.contains("conv_real") ? k[0] : k[1], shape);
        }
        if (name.endsWith("melW")) {
            HtsatConfig c = ((ClapModel) model).audio_branch.config();
            return Tensors.fromFloatArray(FrontEndWeights.slaneyMel(c.sampleRate(), c.windowSize(), c.melBins(),
                    c.fmin(), c.fmax()), shape);
        }
        if (name.endsWith("bn0.running_mean")) return torch.full(shape, new Scalar(-25.0));  // dB of quiet music
        if (name.endsWith("bn0.running_var")) return torch.full(shape, new Scalar(400.0));   // σ ≈ 20 dB
        Tensor n = torch.randn(shape);
        if (name.endsWith("relative_position_bias_table")) return n.mul(new Scalar(0.02));
        if (name.contains("embeddings.") && name.endsWith("_embeddings.weight")) return n;
        if (name.endsWith(".bias")) return n.mul(new Scalar(0.1));
        if (shape.length == 1) return n.mul(new Scalar(0.1)).add(new Scalar(1.0));       // norm gains
        long fanIn = 1;
        for (int i = 1; i < shape.length; i++) fanIn *= shape[i];
        return n.mul(new Scalar(Math.sqrt(2.0 / fanIn)));
    }
}
