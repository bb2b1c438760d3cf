package dev.lofilora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.model.transformer.AceStepConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Gradient checkpointing's memory saving, measured: the peak resident memory of one training step (VmHWM reset after
 * loading, over the post-load RSS) of a config whose activations exceed 1 GB without checkpointing (fp32, width 256,
 * 8 blocks, 4096 frames), with and without checkpointing, each in its own JVM; and the planner's figure for both
 * within 10 % of the measurement. The measured step is the second (steady state: the first also pays for JIT
 * compilation and lazily built tables, ≈ 40 MB here). The child runs glibc with a fixed mmap threshold so freed tensors leave the resident
 * set (with the default dynamic threshold, freed 4 MB blocks stay in the heap and the peak reflects fragmentation).
 */
class MemoryTest {
    @TempDir
    Path tmp;

    static ObjectNode config() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("_class_name", "ACEStepTransformer2DModel");
        o.put("num_layers", 8);
        o.put("num_attention_heads", 4);
        o.put("attention_head_dim", 64);
        o.put("mlp_ratio", 2.5);
        o.put("speaker_embedding_dim", 64);
        o.put("text_embedding_dim", 64);
        o.put("lyric_encoder_vocab_size", 100);
        o.put("lyric_hidden_size", 64);
        o.putArray("ssl_encoder_depths").add(0).add(0);
        o.putArray("ssl_latent_dims").add(32).add(32);
        o.putObject("_lyric_encoder_kwargs").put("output_size", 64).put("attention_heads", 4).put("linear_units", 128)
                .put("num_blocks", 2);
        return o;
    }

    /** Starts the probe in its own JVM; {@link #result} waits for it. */
    private Process start(boolean checkpointing) throws Exception {
        ObjectNode a = Json.MAPPER.createObjectNode();
        a.set("config", config());
        a.put("r", 16).put("batch", 1).put("frames", 4096).put("text", 32).put("lyrics", 32).put("precision", "fp32")
                .put("checkpointing", checkpointing).put("steps", 1).put("warmup", 1);
        return ChildJvm.start(tmp.resolve("probe-" + checkpointing + ".log"), MemoryProbe.class.getName(),
                Map.of("MALLOC_MMAP_THRESHOLD_", "131072"), a.toString());
    }

    private long result(Process p, boolean checkpointing) throws Exception {
        Path log = tmp.resolve("probe-" + checkpointing + ".log");
        assertTrue(p.waitFor(8, TimeUnit.MINUTES), "probe finished");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith("PROBE ")).findFirst().orElseThrow(() -> new AssertionError(out));
        JsonNode r = Json.MAPPER.readTree(line.substring(6));
        return r.get("increment").asLong();
    }

    private static long planned(boolean checkpointing) {
        return MemoryPlanner.plan(new MemoryPlanner.Config(AceStepConfig.parse(config(), null),
                new LoraConfig(16, 16, true, LoraConfig.ACESTEP_TARGETS, null, 0), 1, 4096, 32, 32, "fp32",
                checkpointing, false)).trainingPeak();
    }

    @Test
    void checkpointingCutsThePeakAndThePlannerIsWithinTenPercent() throws Exception {
        Process plainRun = start(false), ckptRun = start(true); // independent processes: run side by side
        long plain = result(plainRun, false);
        long ckpt = result(ckptRun, true);
        long plannedPlain = planned(false), plannedCkpt = planned(true);
        double ratio = (double) plain / ckpt;
        System.out.printf("peak over post-load baseline: plain %.0f MB (planned %.0f), checkpointing %.0f MB (planned %.0f);"
                + " reduction %.2fx%n", plain / 1e6, plannedPlain / 1e6, ckpt / 1e6, plannedCkpt / 1e6, ratio);
        long activations = MemoryPlanner.plan(new MemoryPlanner.Config(AceStepConfig.parse(config(), null),
                new LoraConfig(16, 16, true, LoraConfig.ACESTEP_TARGETS, null, 0), 1, 4096, 32, 32, "fp32", false,
                false)).activations();
        assertTrue(activations > 1e9, "the config has over 1 GB of activations: " + activations);
        assertTrue(plain > 1e9, "measured plain peak " + plain);
        assertTrue(ratio >= 2.0, "checkpointing reduced the peak only " + ratio + "x");
        assertEquals(1.0, (double) plannedPlain / plain, 0.10, "planner vs measured, plain");
        assertEquals(1.0, (double) plannedCkpt / ckpt, 0.10, "planner vs measured, checkpointing");
    }
}
