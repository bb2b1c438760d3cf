package dev.lofilora.infer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.RandomWeights;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Threads;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Map;

/** Models and conditions for the loop tests: the tiny preset, and a tiny-width model deep enough for every ERG layer. */
final class InferFixtures {
    private InferFixtures() {}

    static final TinyPreset PRESET = TinyPreset.load(ConfigFiles.defaults());

    /**
     * One ATen and one OpenBLAS thread until the handle is closed. The loop tests run thousands of tiny ops: a second
     * thread cannot speed them up, and on a loaded machine its hand-offs make each decode about ten times slower
     * (measured: 2.3–3.8 s vs 0.27–0.35 s per decode of the 20-block model at load 16 on 2 cores).
     */
    static Threads singleThread() {
        return Threads.limit(1);
    }

    /** The shared tiny transformer (3 blocks, 2 lyric layers: no ERG layer exists). */
    static ACEStepTransformer2DModel tiny(ScalarType dtype) {
        return PRESET.transformer(Devices.cpu(), dtype);
    }

    /** The tiny preset's widths with 20 blocks and 6 lyric-encoder layers, so blocks 15–19 and layers 4–5 exist. */
    static ACEStepTransformer2DModel deep(ScalarType dtype) {
        ObjectNode section = PRESET.section("transformer").deepCopy();
        section.put("num_layers", 20);
        ((ObjectNode) section.get("_lyric_encoder_kwargs")).put("num_blocks", 6);
        ACEStepTransformer2DModel model = new ACEStepTransformer2DModel(AceStepConfig.parse(section, null), false);
        Map<String, Tensor> w = RandomWeights.stateDict(model, 77);
        try {
            model.loadStateDict(w.keySet(), k -> new Tensor(w.get(k)), Devices.cpu(), dtype, true);
        } finally {
            w.values().forEach(Tensor::close);
        }
        model.train(false);
        return model;
    }

    /** Seeded random conditions for {@code model}: B items, L text tokens, N lyric tokens, ACE-Step's zero speaker. */
    static Conditioning conditions(ACEStepTransformer2DModel model, int b, int l, int n, long seed, boolean nullText) {
        AceStepConfig c = model.config;
        Generator g = torch.createCPUGenerator(seed);
        TensorOptions f32 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float));
        TensorOptions i64 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long));
        Tensor text = torch.randn(new long[] {b, l, c.textEmbeddingDim()}, new GeneratorOptional(g), f32);
        Tensor textMask = torch.ones(new long[] {b, l}, i64);
        Tensor speaker = torch.zeros(new long[] {b, c.speakerEmbeddingDim()}, f32);
        Tensor lyrics = torch.randint(1, c.lyricEncoderVocabSize(), new long[] {b, n}, new GeneratorOptional(g), i64);
        Tensor lyricMask = torch.ones(new long[] {b, n}, i64);
        Tensor nullStates = nullText ? torch.randn(new long[] {b, l, c.textEmbeddingDim()}, new GeneratorOptional(g), f32)
                : null;
        return new Conditioning(text, textMask, speaker, lyrics, lyricMask, nullStates);
    }

    /** Seeded initial noise [B, C, 16, T] in {@code dtype}. */
    static Tensor noise(ACEStepTransformer2DModel model, int b, int frames, long seed, ScalarType dtype) {
        return torch.randn(new long[] {b, model.config.inChannels(), 16, frames},
                new GeneratorOptional(torch.createCPUGenerator(seed)),
                new TensorOptions().dtype(new ScalarTypeOptional(dtype)));
    }
}
