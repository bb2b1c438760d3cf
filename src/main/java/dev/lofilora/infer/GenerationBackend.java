package dev.lofilora.infer;

import dev.lofilora.model.tokenizer.LyricTokenizer;
import dev.lofilora.model.transformer.AceStepConfig;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * What {@link Text2MusicPipeline} runs the text2music flow on: the text encoder, the lyric tokenizer, the transformer
 * and the latent decoders. The flow itself (conditions, noise, sampler, guidance, decode) is the pipeline's and the same
 * for every backend. {@code libtorch} is built in; other engines ({@code onnx}: the graphs of
 * {@code lofi export-onnx} in ONNX Runtime) register a {@link Provider} with {@link java.util.ServiceLoader}, so this
 * package does not depend on them.
 */
public interface GenerationBackend extends AutoCloseable {
    /** The transformer's config (latent shape, speaker width). */
    AceStepConfig config();

    PromptStates text();

    LyricTokenizer lyricTokenizer();

    DiffusionModel transformer();

    LatentCodec codec();

    /** Where the tensors of the flow live. */
    Device device();

    /** The dtype of the latents and the sampler. */
    ScalarType dtype();

    /** What was loaded ("tiny preset", a checkpoint folder, an export). */
    String description();

    /** The LoRA applied at run time, or null. */
    default InferenceLora lora() { return null; }

    /**
     * Replaces the applied LoRA without reloading (null: none). Engines whose weights are fixed (an ONNX export has its
     * adapter merged) refuse.
     */
    default void setLora(java.nio.file.Path path, double scale, InferenceLora.ScaleMode mode) {
        throw new dev.lofilora.common.LofiException("the " + description() + " engine cannot swap adapters",
                "use the libtorch engine, or merge the adapter into the export (lofi export-onnx --lora)");
    }

    /**
     * Decodes latents [B, 8, 16, T] to audio [B, 2, L] at {@code sampleRate} (float32); the default runs
     * {@link LatentDecoder} on {@link #codec()}.
     */
    default org.bytedeco.pytorch.Tensor decode(org.bytedeco.pytorch.Tensor latents, int sampleRate, double seconds,
                                               boolean overlapped) {
        return LatentDecoder.decode(codec(), latents, sampleRate, seconds, overlapped);
    }

    @Override
    void close();

    /** An engine found through {@link java.util.ServiceLoader}. */
    interface Provider {
        /** The {@code --engine} name. */
        String engine();

        /** Opens {@code model} for generation; every problem is a {@code LofiException} naming the file. */
        GenerationBackend open(String model, Text2MusicPipeline.Options options);
    }
}
