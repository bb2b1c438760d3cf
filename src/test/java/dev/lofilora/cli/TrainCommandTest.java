package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.cache.CacheMetadata;
import dev.lofilora.cache.CacheStamp;
import dev.lofilora.cache.TrackCache;
import dev.lofilora.cache.TrackCacheFile;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.AceStepConfig;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** `lofi train`, `lofi export-lora` and `lofi plan-memory` from the command line. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    /** Two tiny track caches in {@code tmp/cache} (for training runs in CLI tests). */
    static Path caches(Path tmp) {
        AceStepConfig c = TinyPreset.load(ConfigFiles.defaults()).transformerConfig();
        Path dir = tmp.resolve("cache");
        for (int i = 0; i < 2; i++) {
            torch.manual_seed(i);
            CacheMetadata meta = new CacheMetadata(TrackCacheFile.FORMAT_VERSION, String.format("%064x", i), 1000L,
                    List.of("lofi " + i), "instrumental", Map.of("dcae", new CacheStamp("x", Map.of())));
            try (TrackCache e = new TrackCache("t" + i, torch.randn(8, 16, 12 + i), torch.randn(1, 4, c.textEmbeddingDim()),
                    torch.ones(1, 4).to(ScalarType.Long), torch.randint(1, 50, new long[] {3}),
                    torch.ones(3).to(ScalarType.Long), Map.of(), meta)) {
                TrackCacheFile.write(dir, e);
            }
        }
        return dir;
    }

    @Test
    void trainThenExportFromTheRunFolder() throws Exception {
        Path run = tmp.resolve("runs/demo");
        CliRun r = CliRun.of("train", "--model", "tiny", "--data", caches(tmp).toString(), "--out", run.toString(),
                "--max-steps", "2", "--checkpoint-every", "2", "--precision", "fp32", "--threads", "1", "--json",
                "--no-progress");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertEquals(2, j.get("final_step").asInt());
        assertTrue(j.get("completed").asBoolean());
        assertEquals(31, j.get("lora_layers").asInt());
        assertTrue(r.err().contains("REPA loss off"), r.err());
        CliRun e = CliRun.of("export-lora", run.toString(), "--out", tmp.resolve("export").toString(), "--json");
        assertEquals(0, e.exit(), e.err());
        JsonNode x = Json.MAPPER.readTree(e.out());
        assertEquals(2.0, x.get("scaleBaked").asDouble(), 1e-12, "the shipped config's 32/√256");
        assertTrue(Files.isRegularFile(tmp.resolve("export/pytorch_lora_weights.safetensors")));
        CliRun again = CliRun.of("train", "--model", "tiny", "--data", caches(tmp).toString(), "--out", run.toString(),
                "--max-steps", "2", "--no-progress");
        assertEquals(2, again.exit(), "an existing run needs --resume");
        assertTrue(again.err().contains("--resume"), again.err());
    }

    @Test
    void planMemoryForTheReleasedModelFitsTheGoal() throws Exception {
        CliRun r = CliRun.of("plan-memory", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertEquals(2584, j.get("frames").asInt(), "240 s");
        assertEquals(261_881_856L, j.get("lora_parameters").asLong());
        assertTrue(j.get("fits_24gb").asBoolean());
        assertTrue(j.get("within_16gb_goal").asBoolean(), "planned " + j.get("gpu_peak_bytes"));
        CliRun plain = CliRun.of("plan-memory", "--no-checkpointing", "--json");
        JsonNode p = Json.MAPPER.readTree(plain.out());
        assertTrue(p.get("activations_bytes").asLong() > 5 * j.get("activations_bytes").asLong(),
                "checkpointing keeps a fraction of the activations");
        CliRun text = CliRun.of("plan-memory");
        assertTrue(text.out().contains("peak, GPU"), text.out());
    }

    @Test
    void helpShowsDefaults() {
        CliRun r = CliRun.of("train", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("--checkpoint-every") && r.out().contains("default: cpu"), r.out());
        CliRun p = CliRun.of("plan-memory", "--help");
        assertTrue(p.out().contains("default: 240"), p.out());
    }
}
