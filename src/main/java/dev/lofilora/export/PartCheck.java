package dev.lofilora.export;

import dev.lofilora.export.graph.TransformerDecodeGraph;
import dev.lofilora.export.ort.OrtModel;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.HashMap;
import java.util.Map;

/**
 * The error of one exported graph against the libtorch module it was built from, on seeded inputs of the shapes
 * generation uses (batch 2 with a padded item for the encoders; {@code frames} latent frames): max |ONNX − libtorch|
 * and that over max |libtorch|. ERG factors are 1.
 *
 * @param maxAbs    max |onnx − libtorch| (float64)
 * @param maxRel    maxAbs / max |libtorch|
 * @param reference max |libtorch|
 * @param inputs    what was fed
 */
public record PartCheck(double maxAbs, double maxRel, double reference, String inputs) {
    static final long SEED = 20261207L;

    /** Runs graph {@code name} of an export made from {@code src} on {@code frames} latent frames. */
    static PartCheck run(String name, OrtModel onnx, SourceModel src, int frames) {
        try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            Generator gen = torch.createCPUGenerator(SEED);
            Map<String, Tensor> in = new HashMap<>();
            if (onnx.hasInput(TransformerDecodeGraph.ERG_INPUT)) in.put(TransformerDecodeGraph.ERG_INPUT, torch.ones(new long[0]));
            ACEStepTransformer2DModel t = src.transformer;
            AceStepConfig c = t.config;
            Tensor ref;
            String desc;
            switch (name) {
                case ExportLayout.TEXT_ENCODER -> {
                    var umt5 = src.frozen.textEncoder().model();
                    Tensor ids = torch.randint(2, umt5.config.vocabSize(), new long[] {2, 12}, new GeneratorOptional(gen),
                            i64());
                    Tensor mask = torch.ones(new long[] {2, 12}, f32());
                    mask.select(0, 1).narrow(0, 8, 4).zero_();
                    in.put("input_ids", ids);
                    in.put("attention_mask", mask);
                    ref = umt5.forward(ids, mask);
                    desc = "input_ids [2, 12] random, the second item padded after 8 tokens";
                }
                case ExportLayout.ENCODE -> {
                    Map<String, Tensor> e = encodeInputs(c, gen);
                    in.putAll(e);
                    ref = t.encode(e.get("encoder_text_hidden_states"), e.get("text_attention_mask"),
                            e.get("speaker_embeds"), e.get("lyric_token_idx"), e.get("lyric_mask"), Capture.NONE)
                            .hiddenStates();
                    desc = "text states [2, 6, " + c.textEmbeddingDim() + "] N(0, 1), 7 lyric tokens (the second item "
                            + "padded after 5), random speaker";
                }
                case ExportLayout.DECODE -> {
                    Map<String, Tensor> e = encodeInputs(c, gen);
                    ACEStepTransformer2DModel.Encoded enc = t.encode(e.get("encoder_text_hidden_states"),
                            e.get("text_attention_mask"), e.get("speaker_embeds"), e.get("lyric_token_idx"),
                            e.get("lyric_mask"), Capture.NONE);
                    Tensor latents = torch.randn(new long[] {2, c.inChannels(), c.maxHeight(), frames},
                            new GeneratorOptional(gen), f32());
                    Tensor mask = torch.ones(new long[] {2, frames}, f32());
                    Tensor timestep = torch.rand(new long[] {2}, new GeneratorOptional(gen), f32()).mul(new Scalar(1000));
                    in.put("hidden_states", latents);
                    in.put("attention_mask", mask);
                    in.put("encoder_hidden_states", enc.hiddenStates());
                    in.put("encoder_attention_mask", enc.mask());
                    in.put("timestep", timestep);
                    ref = t.decode(latents, mask, enc, timestep, false, frames, Capture.NONE).sample();
                    desc = "latents [2, " + c.inChannels() + ", " + c.maxHeight() + ", " + frames
                            + "] N(0, 1), timesteps U(0, 1000), the encode check's conditions";
                }
                case ExportLayout.DCAE -> {
                    MusicDcae codec = src.frozen.codec();
                    Tensor z = torch.randn(new long[] {1, codec.dcae.config.latentChannels(), 16, frames},
                            new GeneratorOptional(gen), f32());
                    in.put("z", z);
                    ref = codec.dcae.decode(z);
                    desc = "raw latent [1, 8, 16, " + frames + "] N(0, 1)";
                }
                case ExportLayout.VOCODER -> {
                    MusicDcae codec = src.frozen.codec();
                    Tensor z = torch.randn(new long[] {1, codec.dcae.config.latentChannels(), 16, frames},
                            new GeneratorOptional(gen), f32());
                    var mc = codec.config;
                    Tensor mel = codec.dcae.decode(z).mul(new Scalar(0.5)).add(new Scalar(0.5))
                            .mul(new Scalar(mc.maxMelValue() - mc.minMelValue())).add(new Scalar(mc.minMelValue()))
                            .select(1, 0);                                                    // [1, 128, 8·frames]
                    in.put("mel", mel);
                    ref = codec.vocoder.decode(mel);
                    desc = "the left-channel log-mel [1, 128, " + 8 * frames + "] the DCAE decodes from a N(0, 1) latent";
                }
                default -> throw new IllegalArgumentException(name);
            }
            Tensor out = onnx.run(in).values().iterator().next();
            double abs = Tensors.maxAbsDiff(out, ref);
            double refMax = Tensors.maxAbs(ref);
            return new PartCheck(abs, refMax == 0 ? abs : abs / refMax, refMax, desc);
        }
    }

    private static Map<String, Tensor> encodeInputs(AceStepConfig c, Generator gen) {
        Map<String, Tensor> in = new HashMap<>();
        in.put("encoder_text_hidden_states", torch.randn(new long[] {2, 6, c.textEmbeddingDim()}, new GeneratorOptional(gen), f32()));
        in.put("text_attention_mask", torch.ones(new long[] {2, 6}, f32()));
        in.put("speaker_embeds", torch.randn(new long[] {2, c.speakerEmbeddingDim()}, new GeneratorOptional(gen), f32()));
        in.put("lyric_token_idx", torch.randint(1, c.lyricEncoderVocabSize(), new long[] {2, 7}, new GeneratorOptional(gen), i64()));
        Tensor lyricMask = torch.ones(new long[] {2, 7}, f32());
        lyricMask.select(0, 1).narrow(0, 5, 2).zero_();
        in.put("lyric_mask", lyricMask);
        return in;
    }

    private static TensorOptions f32() { return new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float)); }

    private static TensorOptions i64() { return new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long)); }
}
