package dev.lofilora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.RandomWeights;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Threads;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Child-JVM probe for the memory tests: builds a model from a config, attaches a LoRA, and measures the peak resident
 * memory of training steps over the post-load baseline (VmHWM reset through /proc/self/clear_refs after loading).
 * Prints one JSON line: {@code {"baseline":…, "peak":…, "after_forward":…}} in bytes.
 * Arguments: a JSON object {config, r, batch, frames, text, lyrics, precision, checkpointing, steps}.
 */
public final class MemoryProbe {
    public static void main(String[] args) throws Exception {
        JsonNode a = Json.MAPPER.readTree(args[0]);
        AceStepConfig c = AceStepConfig.parse(a.get("config"), null);
        ScalarType dtype = a.get("precision").asText().equals("bf16") ? ScalarType.BFloat16 : ScalarType.Float;
        int b = a.get("batch").asInt(), t = a.get("frames").asInt(), l = a.get("text").asInt(), n = a.get("lyrics").asInt();
        try (Threads threads = Threads.limit(1);
             ACEStepTransformer2DModel model = new ACEStepTransformer2DModel(c, false)) {
            Map<String, Tensor> w = RandomWeights.stateDict(model, 1);
            model.loadStateDict(w.keySet(), w::get, Devices.cpu(), dtype, true);
            w.values().forEach(Tensor::close);
            LoraModel lora = LoraModel.inject(model, new LoraConfig(a.get("r").asInt(), a.get("r").asInt(), true,
                    LoraConfig.ACESTEP_TARGETS, null, 0));
            lora.initialize(2, ScalarType.Float);
            model.train(true);
            List<Parameter> params = new ArrayList<>(lora.parameters().values());
            AdamW opt = new AdamW(lora.parameters(), AdamW.Options.acestep(), true);
            TrainingStep step = new TrainingStep(model, new AceStepV1Objective(c.sslNames(), 1.0),
                    a.get("checkpointing").asBoolean());
            torch.manual_seed(3);
            TrainBatch batch = new TrainBatch(List.of(), torch.randn(b, c.inChannels(), c.maxHeight(), t), torch.ones(b, t),
                    torch.randn(b, l, c.textEmbeddingDim()), torch.ones(b, l).to(ScalarType.Long),
                    torch.zeros(b, c.speakerEmbeddingDim()), torch.randint(1, c.lyricEncoderVocabSize(), new long[] {b, n}),
                    torch.ones(b, n).to(ScalarType.Long), Map.of());
            SampledNoise noise = new SampledNoise(torch.randn(b, c.inChannels(), c.maxHeight(), t),
                    torch.full(new long[] {b}, new Scalar(0.5)), torch.full(new long[] {b}, new Scalar(500.0)));
            // Warm-up steps: JIT compilation and lazily built tables (RoPE, positions) cost memory once, not per step.
            for (int i = 0; i < a.path("warmup").asInt(0); i++) {
                try (PointerScope scope = new PointerScope()) {
                    step.run(batch, noise, 1.0, true);
                    Grads.clear(params);
                }
            }
            System.gc();
            Thread.sleep(200);
            long baseline = MemoryStats.rssBytes();
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            if (a.path("forward_only").asBoolean(false)) {
                try (PointerScope scope = new PointerScope()) {
                    step.run(batch, noise, 1.0, false);
                    System.out.println("PROBE {\"after_forward\":" + (MemoryStats.rssBytes() - baseline) + ",\"peak\":"
                            + (MemoryStats.peakRssBytes() - baseline) + "}");
                }
                return;
            }
            for (int i = 0; i < a.path("steps").asInt(1); i++) {
                try (PointerScope scope = new PointerScope()) {
                    step.run(batch, noise, 1.0, true);
                    GradientClipping.clip(params, 0.5);
                    opt.step(1e-4);
                    Grads.clear(params);
                }
            }
            long peak = MemoryStats.peakRssBytes();
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("baseline", baseline);
            out.put("peak", peak);
            out.put("increment", peak - baseline);
            System.out.println("PROBE " + out);
            opt.close();
            lora.close();
        }
    }
}
