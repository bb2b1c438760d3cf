package dev.lofilora.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.export.graph.Emitter;
import dev.lofilora.export.graph.Precision;
import dev.lofilora.export.graph.QuantOptions;
import dev.lofilora.export.onnx.GraphBuilder;
import dev.lofilora.export.ort.OrtModel;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.dcae.AutoencoderDC;
import dev.lofilora.model.dcae.DcaeConfig;
import dev.lofilora.model.tiny.SeededWeights;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.RandomWeights;
import dev.lofilora.model.umt5.UMT5EncoderModel;
import dev.lofilora.model.umt5.Umt5Config;
import dev.lofilora.model.vocoder.ADaMoSHiFiGANV1;
import dev.lofilora.model.vocoder.VocoderConfig;
import dev.lofilora.nn.Module;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Models for the export tests and the ONNX benchmark: the tiny preset, a deep variant with every ERG layer, and the
 * mid-size config — the transformer of {@code TransformerForwardBenchmark} (width 512 = 8 heads × 64, 4 blocks,
 * FFN 1280, text 768, Conformer 256 × 2 layers) with a UMT5 of width 384 (6 × 64, 4 layers, d_ff 1024), a DC-AE with
 * channels [64, 64, 128, 128] and a vocoder with dims [64, 64, 96, 128] (upsample channel 256); seeded random weights.
 */
public final class ExportFixtures {
    private ExportFixtures() {}

    public static final TinyPreset PRESET = TinyPreset.load(ConfigFiles.defaults());

    /** The mid-size transformer config (the numbers of TransformerForwardBenchmark's). */
    public static AceStepConfig midTransformerConfig() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("_class_name", "ACEStepTransformer2DModel");
        o.put("num_layers", 4);
        o.put("num_attention_heads", 8);
        o.put("attention_head_dim", 64);
        o.put("mlp_ratio", 2.5);
        o.put("speaker_embedding_dim", 512);
        o.put("text_embedding_dim", 768);
        o.put("lyric_encoder_vocab_size", 6693);
        o.put("lyric_hidden_size", 256);
        o.putArray("ssl_encoder_depths").add(2).add(2);
        ObjectNode kw = o.putObject("_lyric_encoder_kwargs");
        kw.put("output_size", 256).put("attention_heads", 4).put("linear_units", 1024).put("num_blocks", 2);
        return AceStepConfig.parse(o, null);
    }

    /** A transformer of {@code config} with seeded random weights (fp32, CPU, eval). */
    public static ACEStepTransformer2DModel transformer(AceStepConfig config, long seed) {
        ACEStepTransformer2DModel m = new ACEStepTransformer2DModel(config, false);
        Map<String, Tensor> w = RandomWeights.stateDict(m, seed);
        try {
            m.loadStateDict(w.keySet(), k -> new Tensor(w.get(k)), Devices.cpu(), ScalarType.Float, true);
        } finally {
            w.values().forEach(Tensor::close);
        }
        m.train(false);
        return m;
    }

    /** The tiny preset's widths with 20 blocks and 6 lyric layers: blocks 15–19 and layers 4–5 exist (ERG). */
    public static ACEStepTransformer2DModel deep() {
        ObjectNode section = PRESET.section("transformer").deepCopy();
        section.put("num_layers", 20);
        ((ObjectNode) section.get("_lyric_encoder_kwargs")).put("num_blocks", 6);
        return transformer(AceStepConfig.parse(section, null), 77);
    }

    public static UMT5EncoderModel midUmt5(int layers) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("vocab_size", 2048).put("d_model", 384).put("d_kv", 64).put("num_heads", 6).put("d_ff", 1024)
                .put("num_layers", layers).put("feed_forward_proj", "gated-gelu");
        UMT5EncoderModel m = new UMT5EncoderModel(Umt5Config.parse(o, null));
        SeededWeights.fill(m, 31, Devices.cpu());
        m.train(false);
        return m;
    }

    public static MusicDcae midCodec() {
        ObjectNode d = PRESET.section("dcae").deepCopy();
        d.putArray("decoder_block_out_channels").add(64).add(64).add(128).add(128);
        d.putArray("encoder_block_out_channels").add(64).add(64).add(128).add(128);
        d.put("attention_head_dim", 32);
        ObjectNode v = PRESET.section("vocoder").deepCopy();
        v.putArray("dims").add(64).add(64).add(96).add(128);
        v.put("num_mels", 128).put("upsample_initial_channel", 256);
        v.putArray("resblock_kernel_sizes").add(3).add(7);
        AutoencoderDC dcae = new AutoencoderDC(DcaeConfig.parse(d, null));
        SeededWeights.fill(dcae, 41, Devices.cpu());
        ADaMoSHiFiGANV1 voc = new ADaMoSHiFiGANV1(VocoderConfig.parse(v, null));
        SeededWeights.fill(voc, 42, Devices.cpu());
        MusicDcae codec = new MusicDcae(MusicDcaeConfig.ACE_STEP, dcae, voc);
        codec.train(false);
        return codec;
    }

    /** What {@link #graph} measured. */
    public record Measured(double maxAbs, double maxRel, long bytes) {}

    /**
     * Builds one graph of {@code root} at {@code precision} into {@code dir}, runs it in ONNX Runtime on {@code in} and
     * measures it against {@code ref}.
     */
    public static Measured graph(Path dir, String name, Module root, Precision precision, Consumer<Emitter> build,
                                 Map<String, Tensor> in, Tensor ref) {
        GraphBuilder.Written w;
        try (GraphBuilder g = new GraphBuilder(dir, name)) {
            build.accept(new Emitter(g, root, precision, QuantOptions.DEFAULT));
            w = g.finish();
        }
        try (OrtModel m = OrtModel.open(w.model(), OrtModel.Options.cpu(1))) {
            Tensor out = m.run(in).values().iterator().next();
            double abs = Tensors.maxAbsDiff(out, ref);
            return new Measured(abs, abs / Tensors.maxAbs(ref), w.modelBytes() + w.weightBytes());
        }
    }
}
