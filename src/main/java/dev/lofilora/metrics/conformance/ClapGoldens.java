package dev.lofilora.metrics.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.LofiException;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.metrics.JsonFields;
import dev.lofilora.metrics.clap.ClapAudio;
import dev.lofilora.metrics.clap.ClapModel;
import dev.lofilora.metrics.clap.Htsat;
import dev.lofilora.metrics.clap.HtsatConfig;
import dev.lofilora.metrics.clap.RobertaConfig;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.lofilora.metrics.conformance.MetricsConformanceSuite.IO;
import static dev.lofilora.metrics.conformance.MetricsConformanceSuite.input;

/** The {@code htsat}, {@code clap_text} and {@code clap_head} components. */
final class ClapGoldens {
    private static final List<String> HTSAT_KEYS = List.of("logmel", "logmel_bn", "image", "patch_embed", "norm",
            "embedding");

    private ClapGoldens() {}

    static void htsat(JsonNode config, Path folder, SafetensorsFile io, ConformanceContext ctx, SuiteResult.Builder out) {
        HtsatConfig c = HtsatConfig.parse(config, folder.resolve("config.json"));
        Htsat model = new Htsat(c);
        String prefix = new JsonFields(config, folder.resolve("config.json")).text("_weights_prefix", "audio_branch.");
        Weights.load(model, folder, prefix, c.describe() + " audio tower", ctx);
        Tensor wave = input(io, "waveform");                                   // [B, clip_samples]
        long rows = wave.size(0);
        if (wave.size(1) != c.clipSamples()) {
            throw new LofiException(io.path(), "waveform has " + wave.size(1) + " samples per row, the config's clip is "
                    + c.clipSamples(), "regenerate the golden folder");
        }
        float[] flat = Tensors.toFloatArray(wave);
        for (int i = 0; i < rows; i++) {
            String clip = "clip_" + i;
            if (!io.contains(clip)) continue;
            // Rows given as raw short clips are padded here with the port's own repeatpad.
            float[] padded = ClapAudio.repeatPad(Tensors.toFloatArray(io.tensor(clip)), c.clipSamples());
            System.arraycopy(padded, 0, flat, i * c.clipSamples(), c.clipSamples());
        }
        Tensor batch = Tensors.fromFloatArray(flat, rows, c.clipSamples()).to(ctx.device(), ScalarType.Float);
        try (NoGradGuard g = new NoGradGuard()) {
            Capture.Recorder rec = new Capture.Recorder();
            model.forward(batch, rec);
            for (Map.Entry<String, Tensor> e : rec.tensors().entrySet()) {
                if (HTSAT_KEYS.contains(e.getKey()) || e.getKey().startsWith("stage")) out.put(IO, e.getKey(), e.getValue());
            }
        }
    }

    static void text(JsonNode config, Path folder, SafetensorsFile io, ConformanceContext ctx, SuiteResult.Builder out) {
        Path cfg = folder.resolve("config.json");
        RobertaConfig r = RobertaConfig.parse(config, cfg);
        int joint = new JsonFields(config, cfg).integer("joint_embed_shape", 512);
        ClapModel model = new ClapModel(null, r, joint);
        Weights.load(model, folder, "", ClapModel.UNUSED_KEYS, "RoBERTa text tower and projection", ctx);
        try (NoGradGuard g = new NoGradGuard()) {
            Capture.Recorder rec = new Capture.Recorder();
            model.textEmbedding(input(io, "input_ids").to(ctx.device(), ScalarType.Long),
                    input(io, "attention_mask").to(ctx.device(), ScalarType.Long), rec);
            rec.tensors().forEach((k, t) -> out.put(IO, k, t));
        }
    }

    static void head(JsonNode config, Path folder, SafetensorsFile io, ConformanceContext ctx, SuiteResult.Builder out) {
        JsonFields f = new JsonFields(config, folder.resolve("config.json"));
        Tensor embedding = input(io, "embedding").to(ctx.device(), ScalarType.Float);    // [B, W]
        Tensor text = input(io, "text_embed").to(ctx.device(), ScalarType.Float);        // [B, J]
        int joint = f.integer("joint_embed_shape", (int) text.size(1));
        ClapModel model = ClapModel.audioHeadOnly((int) embedding.size(1), joint);
        Weights.load(model, folder, "", "CLAP audio projection", ctx);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor audio = model.projectAudio(embedding);                                  // [B, J]
            out.put(IO, "audio_embed", audio);
            out.put(IO, "clap_score", cosine(audio, text));
            out.put(IO, "similarity", audio.matmul(text.t()));
        }
    }

    /** Row-wise cosine, eps 1e-8 on the product of the norms (torch.nn.functional.cosine_similarity). */
    static Tensor cosine(Tensor a, Tensor b) {
        Tensor dot = a.mul(b).sum(new long[] {-1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor na = a.mul(a).sum(new long[] {-1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).sqrt();
        Tensor nb = b.mul(b).sum(new long[] {-1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).sqrt();
        return dot.div(na.mul(nb).clamp_min(new Scalar(1e-8)));
    }
}
